package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.PipelineApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad options: one clear line and an untouched application, or, with strict=true, a stopped JVM. */
class AgentOptionsE2ETest {
    @TempDir
    Path dir;

    private static long filesIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void badOptionDisablesTheAgentWithOneLine(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("interval=5x").fixture(PipelineApp.class).in(dir).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("pipeline said hello\n", r.stdout);
        assertEquals("spawnlock: option interval: '5x' has an unknown unit 'x' (use ns, us, ms, s, m or h);"
                + " the agent is off and the application runs without it (strict=true stops the JVM instead)\n", r.stderr);
        assertEquals(0, filesIn(dir), "a disabled agent writes no log");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void strictStopsTheJvmOnABadOption(Jdks.Jdk jdk) {
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("strict=true,colour=blue").fixture(PipelineApp.class).in(dir).run();
        assertEquals(1, r.exitCode, r.toString());
        assertEquals("", r.stdout, "main must not run");
        assertEquals("spawnlock: unknown option 'colour' (valid: log, interval, locks, spawns, discover,"
                + " signal, dumps, dumpEvery, dumpOnWait, maxDumps, args, strict, metrics, jmx, accept); strict=true, so the JVM stops\n", r.stderr);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void logOffWritesNothing(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=off").fixture(PipelineApp.class).in(dir).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr);
        assertEquals(0, filesIn(dir));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void unwritableLogDirectoryIsOneWarningAndTheApplicationRuns(Jdks.Jdk jdk) throws Exception {
        Path blocked = dir.resolve("file-not-dir");
        Files.writeString(blocked, "x");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + blocked.resolve("x.hlog")).fixture(PipelineApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("pipeline said hello\n", r.stdout);
        String[] lines = r.stderr.split("\n");
        assertEquals(1, lines.length, r.stderr);
        assertTrue(lines[0].startsWith("spawnlock: cannot create the log " + blocked.resolve("x.hlog")), r.stderr);
    }
}
