package io.spawnlock.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the probe the way the inlined JDK code does. */
class SpawnProbeTest {
    private final List<long[]> calls = new ArrayList<>();

    @AfterEach
    void detach() {
        SpawnProbe.setListener(null);
    }

    private void listen() {
        SpawnProbe.setListener((wall, exec, failed) -> calls.add(new long[] {wall, exec, failed ? 1 : 0}));
    }

    @Test
    void successfulSpawnReportsWallAndExecTime() throws Exception {
        listen();
        long t0 = SpawnProbe.spawnBegin();
        Thread.sleep(2);
        SpawnProbe.execBegin();
        Thread.sleep(5);
        SpawnProbe.execEnd();
        SpawnProbe.spawnEnd(t0, null);
        assertEquals(1, calls.size());
        long[] c = calls.get(0);
        assertTrue(c[1] >= 5_000_000L, "exec " + c[1]);
        assertTrue(c[0] >= c[1] + 2_000_000L, "wall " + c[0] + " exec " + c[1]);
        assertEquals(0, c[2]);
    }

    @Test
    void execThatThrowsStillCountsItsTime() throws Exception {
        listen();
        long t0 = SpawnProbe.spawnBegin();
        SpawnProbe.execBegin();
        Thread.sleep(3);
        SpawnProbe.spawnEnd(t0, new IOException("error=2"));
        long[] c = calls.get(0);
        assertTrue(c[1] >= 3_000_000L, "exec " + c[1]);
        assertEquals(1, c[2]);
    }

    @Test
    void failureBeforeExecHasNoExecTime() {
        listen();
        long t0 = SpawnProbe.spawnBegin();
        SpawnProbe.spawnEnd(t0, new IndexOutOfBoundsException());
        assertEquals(-1L, calls.get(0)[1]);
        // and the next spawn on this thread does not inherit anything
        long t1 = SpawnProbe.spawnBegin();
        SpawnProbe.spawnEnd(t1, null);
        assertEquals(-1L, calls.get(1)[1]);
    }

    @Test
    void brokenListenerIsDroppedAndNeverReachesTheCaller() {
        RuntimeException boom = new IllegalStateException("boom");
        SpawnProbe.setListener((wall, exec, failed) -> {
            throw boom;
        });
        SpawnProbe.spawnEnd(SpawnProbe.spawnBegin(), null); // must not throw
        assertSame(boom, SpawnProbe.listenerFailure());
        listen();
        SpawnProbe.spawnEnd(SpawnProbe.spawnBegin(), null);
        assertEquals(1, calls.size());
    }

    @Test
    void noListenerNoWork() {
        SpawnProbe.setListener(null);
        SpawnProbe.spawnEnd(SpawnProbe.spawnBegin(), null);
        assertTrue(calls.isEmpty());
    }
}
