package io.spawnlock.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * CPU time of this process and of its children it has waited for (user + system, milliseconds), from
 * /proc/self/stat in clock ticks of 10 ms. Unlike the wall clock it does not count the time other
 * programs on a shared machine take the CPU away, so two runs compare by the work they did.
 */
final class ProcessCpu {
    private static final long MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private ProcessCpu() {}

    /** {own, children's} CPU in ms, or null where there is no /proc. */
    static long[] now() {
        String stat;
        try {
            stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // after the command name in parentheses: state is field 3, utime 14, stime 15, cutime 16, cstime 17
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new long[] {own * MILLIS_PER_TICK, children * MILLIS_PER_TICK};
    }
}
