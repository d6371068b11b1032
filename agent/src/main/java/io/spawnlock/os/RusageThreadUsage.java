package io.spawnlock.os;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The calling thread's CPU time from {@code clock_gettime(CLOCK_THREAD_CPUTIME_ID)}, in nanoseconds: the
 * clock the JDK reads for another thread's CPU time, so a dump's "so far on its own CPU" (read from another
 * thread) and the spawn's start reading are one clock. Its system time, minor faults and voluntary context
 * switches from {@code getrusage(RUSAGE_THREAD)} (µs, the kernel's tick split). JNA's direct mapping, no
 * allocation.
 */
final class RusageThreadUsage extends ThreadUsage {
    private static final String PLATFORM_PATH = "jna.platform.library.path";
    private static final int RUSAGE_THREAD = 1;
    /** struct rusage on LP64 Linux: two timevals (2 longs each), then 14 longs. */
    private static final int LONGS = 18;
    private static final int SYSTEM_SECONDS = 2;
    private static final int MINFLT = 8;
    private static final int NVCSW = 16;
    private static final int CLOCK_THREAD_CPUTIME_ID = 3;

    private final ThreadLocal<long[]> raw = new ThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[LONGS];
        }
    };

    private RusageThreadUsage() {}

    static RusageThreadUsage load() {
        if (Native.LONG_SIZE != 8) {
            throw new UnsupportedOperationException("not a 64-bit Linux");
        }
        // NativeLibrary's class initialisation runs "/sbin/ldconfig -p" (a spawn in the application's name,
        // and one more in its counts) unless this property is set; set, it only lists search paths, which
        // the process's own symbols (libc is loaded) do not need. Cleared again right after.
        boolean unset = System.getProperty(PLATFORM_PATH) == null;
        if (unset) {
            System.setProperty(PLATFORM_PATH, "");
        }
        try {
            Native.register(RusageThreadUsage.class, NativeLibrary.getProcess());
        } finally {
            if (unset) {
                System.clearProperty(PLATFORM_PATH);
            }
        }
        RusageThreadUsage usage = new RusageThreadUsage();
        if (!usage.read(new long[FIELDS], 0)) {
            throw new UnsupportedOperationException("getrusage(RUSAGE_THREAD) failed");
        }
        return usage;
    }

    private static native int getrusage(int who, long[] usage);

    private static native int clock_gettime(int clock, long[] timespec);

    private final ThreadLocal<long[]> timespec = new ThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[2];
        }
    };

    @Override
    public boolean read(long[] out, int at) {
        long[] r = raw.get();
        long[] ts = timespec.get();
        if (getrusage(RUSAGE_THREAD, r) != 0 || clock_gettime(CLOCK_THREAD_CPUTIME_ID, ts) != 0) {
            return false;
        }
        long system = r[SYSTEM_SECONDS] * 1_000_000_000L + r[SYSTEM_SECONDS + 1] * 1_000L;
        out[at + CPU] = ts[0] * 1_000_000_000L + ts[1];
        out[at + SYSTEM] = system;
        out[at + MINOR_FAULTS] = r[MINFLT];
        out[at + VOLUNTARY_SWITCHES] = r[NVCSW];
        return true;
    }

    @Override
    public boolean detailed() {
        return true;
    }

    @Override
    public String describe() {
        return "clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) through JNA (CPU in ns, system"
                + " time in µs, exact minor faults and context switches)";
    }
}
