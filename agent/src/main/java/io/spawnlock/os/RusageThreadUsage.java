package io.spawnlock.os;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * {@code getrusage(RUSAGE_THREAD)} through JNA's direct mapping: user and system time in microseconds,
 * minor faults and voluntary context switches of the calling thread, exact counts, no allocation.
 */
final class RusageThreadUsage extends ThreadUsage {
    private static final String PLATFORM_PATH = "jna.platform.library.path";
    private static final int RUSAGE_THREAD = 1;
    /** struct rusage on LP64 Linux: two timevals (2 longs each), then 14 longs. */
    private static final int LONGS = 18;
    private static final int USER_SECONDS = 0;
    private static final int SYSTEM_SECONDS = 2;
    private static final int MINFLT = 8;
    private static final int NVCSW = 16;

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

    @Override
    public boolean read(long[] out, int at) {
        long[] r = raw.get();
        if (getrusage(RUSAGE_THREAD, r) != 0) {
            return false;
        }
        long user = r[USER_SECONDS] * 1_000_000_000L + r[USER_SECONDS + 1] * 1_000L;
        long system = r[SYSTEM_SECONDS] * 1_000_000_000L + r[SYSTEM_SECONDS + 1] * 1_000L;
        out[at + CPU] = user + system;
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
        return "getrusage(RUSAGE_THREAD) through JNA (CPU and system time in µs, exact minor faults and context switches)";
    }
}
