package io.spawnlock.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Whether a process id names a running JVM of this user, checked before anything is sent to it: the JDK's
 * Attach API starts with a SIGQUIT, which kills a process that is not a JVM, and a JVM of another user
 * cannot be attached to anyway. Read from /proc only: the process's owner and its memory map.
 */
public final class JvmProcess {
    private JvmProcess() {}

    /** Why {@code pid} is not a JVM of this user, in a few words; null when it is one. */
    public static String refusal(String pid) {
        if (!pid.matches("[1-9][0-9]{0,9}")) {
            return "'" + pid + "' is not a process id";
        }
        Path proc = Paths.get("/proc", pid);
        if (!Files.isDirectory(proc)) {
            return "no process " + pid;
        }
        try {
            Object owner = Files.getAttribute(proc, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(Paths.get("/proc/self/"), "unix:uid");
            if (!owner.equals(self)) {
                return "process " + pid + " belongs to another user (uid " + owner + "); run this as that user";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "process " + pid + " cannot be read by this user (" + e.getMessage() + ")";
        }
        try (BufferedReader maps = Files.newBufferedReader(proc.resolve("maps"), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = maps.readLine()) != null) {
                if (line.endsWith("/libjvm.so")) {
                    return null;
                }
            }
        } catch (IOException e) {
            return "process " + pid + " cannot be read by this user (" + e.getMessage() + ")";
        }
        return "process " + pid + " is not a Java virtual machine (no libjvm.so in its memory map)";
    }
}
