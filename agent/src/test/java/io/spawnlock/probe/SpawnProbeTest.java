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
    private final List<Long> nativeEnds = new ArrayList<>();

    /** Records what the probe calls; nativeBegin answers 42 ns of CPU. */
    private class Recorded implements SpawnListener {
        @Override
        public long nativeBegin() {
            return 42;
        }

        @Override
        public int nativeThreadId() {
            return 7;
        }

        @Override
        public void nativeEnd(long execNanos) {
            nativeEnds.add(execNanos);
        }

        @Override
        public void spawnFinished(long wall, long exec, boolean failed, Object builder, Object process) {
            calls.add(new long[] {wall, exec, failed ? 1 : 0});
        }
    }

    @AfterEach
    void detach() {
        SpawnProbe.setListener(null);
    }

    private void listen() {
        SpawnProbe.setListener(new Recorded());
    }

    @Test
    void successfulSpawnReportsWallAndExecTime() throws Exception {
        listen();
        SpawnProbe.spawnBegin(null);
        Thread.sleep(2);
        SpawnProbe.execBegin();
        Thread.sleep(5);
        SpawnProbe.execEnd();
        SpawnProbe.spawnReturned(null);
        assertEquals(1, calls.size());
        long[] c = calls.get(0);
        assertTrue(c[1] >= 5_000_000L, "exec " + c[1]);
        assertTrue(c[0] >= c[1] + 2_000_000L, "wall " + c[0] + " exec " + c[1]);
        assertEquals(0, c[2]);
        assertEquals(List.of(c[1]), nativeEnds, "the native part's end is told once, with the same time");
    }

    @Test
    void aProcessBuilderInsideAnEntryPointIsPartOfItsSpawnAndGivesItsCommand() throws Exception {
        List<Object> builders = new ArrayList<>();
        SpawnProbe.setListener(new Recorded() {
            @Override
            public void spawnFinished(long wall, long exec, boolean failed, Object builder, Object process) {
                super.spawnFinished(wall, exec, failed, builder, process);
                builders.add(builder);
            }
        });
        ProcessBuilder pb = new ProcessBuilder("/bin/true");
        SpawnProbe.spawnBegin(null); // an entry point whose first argument is no command
        SpawnProbe.spawnBegin(pb); // start() inside it: no spawn of its own
        SpawnProbe.execBegin();
        Thread.sleep(2);
        SpawnProbe.execEnd();
        SpawnProbe.spawnReturned(null);
        assertEquals(0, calls.size());
        SpawnProbe.spawnReturned(null);
        assertEquals(1, calls.size());
        assertTrue(calls.get(0)[1] >= 2_000_000L, "the inner native part is the entry point's: " + calls.get(0)[1]);
        assertSame(pb, builders.get(0));
        SpawnProbe.spawnReturned(null); // one exit too many: nothing, and the next spawn is whole again
        SpawnProbe.spawnBegin(null);
        SpawnProbe.spawnReturned(null);
        assertEquals(2, calls.size());
    }

    @Test
    void aThreadInForkAndExecShowsItsCpuAtTheStart() {
        listen();
        SpawnProbe.spawnBegin(null);
        SpawnProbe.execBegin();
        SpawnProbe.InSpawn me = SpawnProbe.inSpawn().stream().filter(s -> s.thread == Thread.currentThread())
                .findFirst().orElseThrow();
        assertEquals(42, me.execCpuStart);
        assertTrue(me.execSince > 0);
        SpawnProbe.execEnd();
        SpawnProbe.spawnReturned(null);
    }

    @Test
    void execThatThrowsStillCountsItsTime() throws Exception {
        listen();
        SpawnProbe.spawnBegin(null);
        SpawnProbe.execBegin();
        Thread.sleep(3);
        SpawnProbe.spawnThrew(new IOException("error=2"));
        long[] c = calls.get(0);
        assertTrue(c[1] >= 3_000_000L, "exec " + c[1]);
        assertEquals(1, c[2]);
        assertEquals(List.of(c[1]), nativeEnds);
    }

    @Test
    void failureBeforeExecHasNoExecTime() {
        listen();
        SpawnProbe.spawnBegin(null); // a measured spawn first: the failed one must not inherit its exec time
        SpawnProbe.execBegin();
        SpawnProbe.execEnd();
        SpawnProbe.spawnReturned(null);
        calls.clear();
        SpawnProbe.spawnBegin(null);
        SpawnProbe.spawnThrew(new IndexOutOfBoundsException());
        assertEquals(-1L, calls.get(0)[1]);
        // and the next spawn on this thread does not inherit anything
        SpawnProbe.spawnBegin(null);
        SpawnProbe.spawnReturned(null);
        assertEquals(-1L, calls.get(1)[1]);
    }

    @Test
    void brokenListenerIsDroppedAndNeverReachesTheCaller() {
        RuntimeException boom = new IllegalStateException("boom");
        SpawnProbe.setListener(new Recorded() {
            @Override
            public long nativeBegin() {
                throw boom;
            }
        });
        SpawnProbe.spawnBegin(null);
        SpawnProbe.execBegin(); // must not throw
        SpawnProbe.execEnd();
        SpawnProbe.spawnReturned(null);
        assertSame(boom, SpawnProbe.listenerFailure());
        assertTrue(calls.isEmpty() && nativeEnds.isEmpty(), "a dropped listener hears nothing more");
        listen();
        SpawnProbe.spawnBegin(null);
        SpawnProbe.spawnReturned(null);
        assertEquals(1, calls.size());
    }

    @Test
    void noListenerNoWork() {
        SpawnProbe.setListener(null);
        SpawnProbe.spawnBegin(null);
        SpawnProbe.spawnReturned(null);
        assertTrue(calls.isEmpty());
    }
}
