package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.FailureApp;
import io.spawnlock.e2e.fixtures.PipelineApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way into a spawn and every way out of one is counted, and the application sees no difference. */
class SpawnPathsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void failuresAtEveryPointAreCountedAndTheApplicationSeesTheSameExceptions(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result without = ForkedJvm.on(jdk).fixture(FailureApp.class).run();
        Path log = dir.resolve("fail.hlog");
        ForkedJvm.Result with = ForkedJvm.on(jdk).agent("log=" + log).fixture(FailureApp.class).run();

        assertEquals(without.exitCode, with.exitCode, with.toString());
        assertEquals(without.stdout, with.stdout, "the agent changed what the application saw");
        assertEquals("", with.stderr, with.toString());
        assertTrue(with.stdout.contains("java.lang.ArrayIndexOutOfBoundsException"), with.stdout);
        assertTrue(with.stdout.contains("java.lang.NullPointerException"), with.stdout);
        assertTrue(with.stdout.contains("java.io.IOException: Cannot run program \"/nonexistent/spawnlock-missing\""), with.stdout);

        Map<String, Long> expected = new TreeMap<>();
        expected.put("spawn", 1L);
        expected.put("spawn.failed", 3L);
        expected.put("spawn.exec", 2L); // the missing program and `true` reached the native call; the others did not
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(expected, new TreeMap<>(Map.of("spawn", counts.get("spawn"), "spawn.failed", counts.get("spawn.failed"),
                "spawn.exec", counts.get("spawn.exec"))), counts.toString());
        // the native part is split into CPU and the wait for the child for both spawns that reached it
        assertEquals(2L, counts.get("spawn.cpu"), counts.toString());
        assertEquals(2L, counts.get("spawn.child"), counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void pipelineRuntimeExecAndStartAreAllCounted(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("pipe.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log).fixture(PipelineApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("pipeline said hello\n", r.stdout);
        assertEquals("", r.stderr);
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(5L, counts.get("spawn"), counts.toString());
        assertEquals(5L, counts.get("spawn.exec"), counts.toString());
        assertEquals(null, counts.get("spawn.failed"), counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theLogHeaderNamesTheLaunchMechanismInEffect(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("mech.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log)
                .args("-Djdk.lang.Process.launchMechanism=FORK").fixture(PipelineApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(log);
        assertTrue(text.contains("#[spawnlock launchMechanism expected=FORK]"), text);
        assertTrue(text.contains("#[spawnlock launchMechanism=FORK]"), text);
        assertTrue(text.contains("#[spawnlock version="), text);
    }
}
