package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.JfrApp;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Our JFR events, only while a recording runs, read back with the JDK's own {@code jfr} tool. */
class JfrEventsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aRecordingHoldsOneEventPerSpawnAndLockAcquisitionWhileItRuns(Jdks.Jdk jdk) throws Exception {
        Path jfr = dir.resolve("spawns.jfr");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + dir.resolve("j.hlog") + ",interval=200ms,locks=io.spawnlock.e2e.fixtures.JfrApp.LOCK")
                .fixture(JfrApp.class, jfr.toString()).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());

        String spawns = print(jdk, jfr, "io.spawnlock.Spawn");
        assertEquals(20, count(spawns, "io.spawnlock.Spawn {"), spawns);
        assertEquals(1, count(spawns, "failed = true"), spawns);
        assertEquals(19, count(spawns, "executable = \"true\""), "args=none shows the file name only\n" + spawns);
        assertTrue(spawns.contains("launchMechanism = \"POSIX_SPAWN\""), spawns);
        assertTrue(spawns.contains("lock = \"io.spawnlock.e2e.fixtures.JfrApp.LOCK\""), spawns);
        assertTrue(spawns.contains("io.spawnlock.e2e.fixtures.JfrApp.spawn("), "events carry the spawning stack\n" + spawns);

        String locks = print(jdk, jfr, "io.spawnlock.SpawnLock");
        assertEquals(20, count(locks, "io.spawnlock.SpawnLock {"), locks);
        assertTrue(locks.contains("eventThread = \"main\""), "committed by the releasing thread\n" + locks);
    }

    private static String print(Jdks.Jdk jdk, Path jfr, String event) throws Exception {
        Process p = new ProcessBuilder(jdk.home.resolve("bin/jfr").toString(), "print", "--stack-depth", "12", "--events", event,
                jfr.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
