package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.HelloApp;
import io.spawnlock.e2e.fixtures.QuietApp;
import io.spawnlock.e2e.fixtures.SleeperApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Start-up races: the application's main runs while the agent's thread defines the probes and reads its
 * jar. Short-lived JVMs, many times over, must neither hang nor print anything. A JVM whose code neither
 * spawns nor locks exits before anything asks for the agent: it never starts, and leaves no log.
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
            assertEquals(RUNS, logs.filter(p -> p.getFileName().toString().matches("spawnlock-\\d+\\.hlog")).count(),
                    "its class calls start(): the agent started as it loaded, spawns or not");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aJvmThatNeverSpawnsNorLocksNeverStartsTheAgent(Jdks.Jdk jdk) throws Exception {
        for (int i = 0; i < 3; i++) {
            ForkedJvm.Result r = ForkedJvm.on(jdk).agent(null).fixture(QuietApp.class).in(dir).run();
            assertEquals(0, r.exitCode, r.toString());
            assertEquals("hello\n", r.stdout, r.toString());
            assertEquals("", r.stderr, r.toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.collect(Collectors.toList()), "no log, no dump directory: nothing was measured");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theDumpSignalBeforeTheAgentHasStartedStartsItAndGetsItsDump(Jdks.Jdk jdk) throws Exception {
        Path dumps = dir.resolve("dumps");
        Process app = ForkedJvm.on(jdk).agent("log=" + dir.resolve("s.hlog") + ",dumps=" + dumps)
                .fixture(SleeperApp.class, "3000").in(dir).start();
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(app.getErrorStream());
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(app.getInputStream()));
        assertEquals("ready", out.readLine());
        // well inside the first second: nothing has asked for the agent yet, and SIGUSR1's default is to kill
        assertEquals(0, new ProcessBuilder("kill", "-USR1", Long.toString(app.pid())).start().waitFor());
        assertEquals("done", out.readLine(), "the JVM lives on");
        assertTrue(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        err.join();
        assertEquals(0, app.exitValue(), "exit status (143 or 138 would be the signal's): " + err.text());
        assertEquals("", err.text());
        List<Path> written;
        try (Stream<Path> files = Files.list(dumps)) {
            written = files.collect(Collectors.toList());
        }
        assertEquals(1, written.size(), written.toString());
        assertTrue(Files.readString(written.get(0)).contains("trigger: SIGUSR1 (before the agent had started)"),
                Files.readString(written.get(0)));
    }
}
