package io.spawnlock.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Voluntary context switches of one platform thread, from {@code /proc/self/task/<tid>/status}: each is a
 * sleep the thread woke from, so over many connections they count the wakeups of a herd that the kernel
 * puts back to sleep before Java sees them.
 */
public final class ThreadSwitches {
    private static final String VOLUNTARY = "voluntary_ctxt_switches:";

    private ThreadSwitches() {}

    /**
     * The status file of the calling thread, found once through {@code /proc/thread-self}; null for a
     * virtual thread (its carrier changes) or where there is no such file.
     */
    public static Path statusOfCurrentThread() {
        if (isVirtual(Thread.currentThread())) {
            return null;
        }
        try {
            Path task = Files.readSymbolicLink(Paths.get("/proc/thread-self")); // "<pid>/task/<tid>"
            return Paths.get("/proc").resolve(task).resolve("status");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The thread's voluntary context switches so far, or -1 when its status cannot be read (it ended). */
    public static long voluntary(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(VOLUNTARY)) {
                    return Long.parseLong(line.substring(VOLUNTARY.length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable: unknown
        }
        return -1;
    }

    /** Whether {@code t} is a virtual thread (JDK 21+), without naming a type the target JDK may lack. */
    public static boolean isVirtual(Thread t) {
        return t.getClass().getName().equals("java.lang.VirtualThread");
    }
}
