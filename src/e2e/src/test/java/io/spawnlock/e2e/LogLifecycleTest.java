package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.SpawnThenWaitApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The log is flushed every interval while the application runs, and once more on SIGTERM. */
class LogLifecycleTest {
    private static final int SPAWNS = 30;

    @TempDir
    Path dir;

    /** Starts the fixture under the agent and waits until it has made all its spawns. */
    private Process startAndAwaitSpawns(Jdks.Jdk jdk, String options) throws Exception {
        Process p = ForkedJvm.on(jdk).agent(options).fixture(SpawnThenWaitApp.class, Integer.toString(SPAWNS))
                .in(dir).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("done " + SPAWNS, out.readLine());
        return p;
    }

    private static int terminate(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM");
        return p.exitValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void intervalsReachTheDiskWhileTheApplicationRuns(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("live.hlog");
        Process p = startAndAwaitSpawns(jdk, "log=" + log + ",interval=200ms");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Long seen = null;
            while (System.nanoTime() < deadline) {
                seen = HistogramLogs.counts(log).get("spawn");
                if (seen != null && seen == SPAWNS) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(SPAWNS, seen, "the running application's spawns never reached the log");
            assertTrue(p.isAlive());
        } finally {
            terminate(p);
        }
        assertEquals(SPAWNS, HistogramLogs.counts(log).get("spawn"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void sigtermFlushesWhatTheIntervalHadNotWrittenYet(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("term.hlog");
        Process p = startAndAwaitSpawns(jdk, "log=" + log + ",interval=1h");
        Thread.sleep(300);
        assertEquals(null, HistogramLogs.counts(log).get("spawn"), "nothing should be written before the hour");
        assertEquals(143, terminate(p)); // 128 + SIGTERM: the JVM's own exit code, unchanged by the agent
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(SPAWNS, counts.get("spawn"), counts.toString());
        assertEquals(SPAWNS, counts.get("spawn.exec"), counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void defaultLogIsNamedAfterThePidAndOwnerOnly(Jdks.Jdk jdk) throws Exception {
        Process p = startAndAwaitSpawns(jdk, null);
        long pid = p.pid();
        terminate(p);
        Path log = dir.resolve("spawnlock-" + pid + ".hlog");
        assertTrue(Files.exists(log), "expected " + log);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals(SPAWNS, HistogramLogs.counts(log).get("spawn"));
        assertFalse(Files.exists(dir.resolve("spawnlock-dumps-" + pid)), "no dump directory before a dump");
    }
}
