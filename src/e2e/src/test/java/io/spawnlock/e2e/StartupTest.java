package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spawnlock.e2e.fixtures.HelloApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Start-up races: the application's main runs while the agent's thread defines the probes, reads its
 * jar and loads ByteBuddy. Short-lived JVMs, many times over, must neither hang nor print anything.
 */
class StartupTest {
    private static final int RUNS = 12;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void shortLivedJvmsStartAndExitCleanlyWithDefaultOptions(Jdks.Jdk jdk) throws Exception {
        for (int i = 0; i < RUNS; i++) {
            ForkedJvm.Result r = ForkedJvm.on(jdk).agent(null).fixture(HelloApp.class, Integer.toString(i % 3))
                    .in(dir).run();
            assertEquals(0, r.exitCode, r.toString());
            assertEquals("hello\n", r.stdout, r.toString());
            assertEquals("", r.stderr, r.toString());
        }
        try (Stream<Path> logs = Files.list(dir)) {
            assertEquals(RUNS, logs.filter(p -> p.getFileName().toString().matches("spawnlock-\\d+\\.hlog")).count());
        }
    }
}
