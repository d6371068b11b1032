package io.spawnlock.os;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Both sources measure the calling thread's CPU; spinning 50 ms of it shows in both. */
class ThreadUsageTest {
    private static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x++;
        }
        return x;
    }

    private static void measuresCpu(ThreadUsage usage) {
        long[] r = new long[2 * ThreadUsage.FIELDS];
        assertTrue(usage.read(r, 0));
        spin(50_000_000L);
        assertTrue(usage.read(r, ThreadUsage.FIELDS));
        long cpu = r[ThreadUsage.FIELDS + ThreadUsage.CPU] - r[ThreadUsage.CPU];
        // on a busy shared machine the thread may get less than the wall time, never more
        assertTrue(cpu > 5_000_000L && cpu <= 60_000_000L, usage.describe() + ": " + cpu + " ns");
    }

    @Test
    void theJdkClockMeasuresCpu() {
        measuresCpu(new ThreadUsage.JdkThreadUsage());
    }

    @Test
    void getrusageThroughJnaMeasuresCpuAndItsDetail() {
        StringBuilder why = new StringBuilder();
        ThreadUsage best = ThreadUsage.best(why);
        // the unit tests run on JDK 17 here (no restricted-method warning), so JNA must load
        assertTrue(best.detailed(), "JNA not used: " + why);
        measuresCpu(best);
        long[] r = new long[ThreadUsage.FIELDS];
        assertTrue(best.read(r, 0));
        assertTrue(r[ThreadUsage.SYSTEM] >= 0 && r[ThreadUsage.SYSTEM] <= r[ThreadUsage.CPU], "system " + r[ThreadUsage.SYSTEM]);
        assertTrue(r[ThreadUsage.MINOR_FAULTS] > 0, "a thread that ran Java has faulted pages in");
    }
}
