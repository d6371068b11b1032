package io.spawnlock.os;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The calling thread's CPU time and, where the OS tells it exactly, its system time, minor faults and
 * voluntary context switches: read just before and just after a spawn's native fork/exec.
 *
 * <p>Two sources. {@code getrusage(RUSAGE_THREAD)} through JNA gives all four in ~1 µs. Without JNA the JDK's
 * thread CPU clock gives the total exactly, also in ~1 µs; the split into user and system time would need
 * {@code /proc/thread-self/stat}, which ticks in 10 ms steps and costs ~9 µs a read, too coarse per spawn
 * and too slow for the spawn-throughput bar, so that source records the total only.
 */
public abstract class ThreadUsage {
    /** Positions in a reading: CPU (user+system) ns, system ns, minor faults, voluntary context switches. */
    public static final int CPU = 0;
    public static final int SYSTEM = 1;
    public static final int MINOR_FAULTS = 2;
    public static final int VOLUNTARY_SWITCHES = 3;
    public static final int FIELDS = 4;

    /**
     * Reads the calling thread's usage into {@code out} from {@code at}; false when it cannot (a virtual
     * thread on the JDK source, or a failed call), leaving {@code out} as it was.
     */
    public abstract boolean read(long[] out, int at);

    /** Whether readings have SYSTEM, MINOR_FAULTS and VOLUNTARY_SWITCHES, not CPU only. */
    public abstract boolean detailed();

    /** Where readings come from and how precise they are; for the log header and doctor. */
    public abstract String describe();

    /**
     * The best source this JVM allows: getrusage through JNA on Linux (x86-64, aarch64) when loading a
     * native library prints nothing (JDK 23 and older, or native access enabled for the agent), else the JDK.
     * Never throws; {@code why} receives the reason JNA is not used.
     */
    public static ThreadUsage best(StringBuilder why) {
        String refused = NativeAccess.refusal();
        if (refused == null) {
            try {
                return RusageThreadUsage.load();
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, a JNA version clash: fall back
                refused = "JNA could not load (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
            }
        }
        why.append(refused);
        return new JdkThreadUsage();
    }

    /**
     * The JDK's thread CPU clock alone: ready in ~30 ms where JNA takes 50-100 ms, so the first spawns have
     * their CPU split while {@link #best} loads.
     */
    public static ThreadUsage jdkClock() {
        return new JdkThreadUsage();
    }

    /** What {@link #best} would choose in a JVM like this one, without loading anything; for doctor. */
    public static String plannedSource() {
        String refused = NativeAccess.refusal();
        return refused == null ? "clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) through JNA: CPU,"
                + " system time, faults and switches per spawn"
                : "the JDK's thread CPU clock: CPU per spawn, no system/user split (" + refused + ")";
    }

    /** The JDK's thread CPU clock: CLOCK_THREAD_CPUTIME_ID on Linux, exact; no split, faults or switches. */
    static final class JdkThreadUsage extends ThreadUsage {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        @Override
        public boolean read(long[] out, int at) {
            long cpu = threads.getCurrentThreadCpuTime(); // -1 for a virtual thread or when the JVM has it off
            if (cpu < 0) {
                return false;
            }
            out[at + CPU] = cpu;
            return true;
        }

        @Override
        public boolean detailed() {
            return false;
        }

        @Override
        public String describe() {
            return "the JDK's thread CPU clock (exact total; no system/user split, minor faults or context switches per spawn)";
        }
    }
}
