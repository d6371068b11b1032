package io.spawnlock.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SampleOptionsTest {
    @Test
    void defaults() {
        SampleOptions o = SampleOptions.parse(new String[0]);
        assertEquals(4, o.threads);
        assertEquals(25, o.spawnsPerThread);
        assertEquals(SampleOptions.LockMode.SYNCHRONIZED, o.lock);
        assertEquals(Arrays.asList("true"), o.command);
        assertEquals(0, o.failEvery);
    }

    @Test
    void everyFlag() {
        SampleOptions o = SampleOptions.parse(new String[] {"--threads", "2", "--spawns", "7", "--duration", "3s",
            "--lock", "REENTRANT", "--heap-gib", "1.5", "--command", " echo  hi ", "--fail-every", "3", "--exec"});
        assertEquals(2, o.threads);
        assertEquals(7, o.spawnsPerThread);
        assertEquals(3_000_000_000L, o.durationNanos);
        assertEquals(SampleOptions.LockMode.REENTRANT, o.lock);
        assertEquals(1.5, o.heapGib);
        assertEquals(Arrays.asList("echo", "hi"), o.command);
        assertEquals(3, o.failEvery);
        assertTrue(o.useRuntimeExec);
        assertEquals(500_000_000L, SampleOptions.parse(new String[] {"--duration", "500ms"}).durationNanos);
        assertEquals(120_000_000_000L, SampleOptions.parse(new String[] {"--duration", "2m"}).durationNanos);
        SampleOptions warm = SampleOptions.parse(new String[] {"--duration", "4s", "--warmup", "2s", "--threads", "2",
                "--lock", "none"});
        assertEquals(2_000_000_000L, warm.warmupNanos);
        SampleOptions warmUp = warm.warmUp();
        assertEquals(2_000_000_000L, warmUp.durationNanos, "the warm-up spawns for its own duration");
        assertEquals(0L, warmUp.warmupNanos);
        assertEquals(2, warmUp.threads);
        assertEquals(SampleOptions.LockMode.NONE, warmUp.lock);
        assertEquals(4_000_000_000L, warm.durationNanos, "the measured run keeps its duration");
        SampleOptions herd = SampleOptions.parse(new String[] {"--herd", "accept", "--herd-threads", "8",
                "--herd-items", "50", "--fixed", "--linger", "2s"});
        assertEquals("accept", herd.herd);
        assertEquals(8, herd.herdThreads);
        assertEquals(50, herd.herdItems);
        assertTrue(herd.fixed);
        assertEquals(2_000_000_000L, herd.lingerNanos);
    }

    @Test
    void badInputSaysWhat() {
        assertEquals("--threads must be at least 1", message("--threads", "0"));
        assertEquals("--threads takes a whole number >= 0, not 'x'", message("--threads", "x"));
        assertEquals("--threads needs a value (try --help)", message("--threads"));
        assertEquals("--lock takes synchronized, reentrant or none, not 'mutex'", message("--lock", "mutex"));
        assertEquals("--duration needs a unit: 500ms, 10s or 2m, not '10'", message("--duration", "10"));
        assertEquals("--heap-gib takes a number of GiB from 0 to 1024, not '-1'", message("--heap-gib", "-1"));
        assertEquals("--command needs a program to run", message("--command", "  "));
        assertEquals("unknown option '--frob' (try --help)", message("--frob"));
        assertEquals("--herd takes accept or notify, not 'stampede'", message("--herd", "stampede"));
        assertEquals("--herd-threads must be at least 1", message("--herd-threads", "0"));
        assertEquals("--linger needs a unit: 500ms, 10s or 2m, not '3'", message("--linger", "3"));
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse(args)).getMessage();
    }
}
