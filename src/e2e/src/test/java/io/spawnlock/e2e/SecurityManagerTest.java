package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.SecurityManagerApp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application under a SecurityManager whose policy gives every domain only "execute" and
 * "setSecurityManager" (the JDK's own ProcessBuilder test's): the agent measures every spawn and prints
 * nothing, and the application's permissions are what they were (what it was denied stays denied). Before,
 * the agent's code ran with the application's permissions: AccessControlExceptions on stderr, "the agent
 * stopped", an empty log. On JDK 24 and later there is no SecurityManager: the same run, plainly measured.
 */
class SecurityManagerTest {
    private static final int SPAWNS = 12;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void underASecurityManagerTheAgentMeasuresAndLendsNothing(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result plain = ForkedJvm.on(jdk).fixture(SecurityManagerApp.class, Integer.toString(SPAWNS)).run();
        Path log = dir.resolve("sm.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log + ",interval=100ms,signal=off")
                .fixture(SecurityManagerApp.class, Integer.toString(SPAWNS)).run();
        assertEquals(0, plain.exitCode, plain.toString());
        assertEquals(plain.stdout, r.stdout, "the application did the same, and was denied the same");
        assertEquals(plain.stderr, r.stderr, "nothing from the agent (the JDK's own warnings alike)");
        if (jdk.major < 24) {
            assertTrue(r.stdout.startsWith("under a SecurityManager\n"), r.stdout);
            assertTrue(r.stdout.contains("/proc/self/status: denied") && r.stdout.contains("/etc/hostname: denied"),
                    r.stdout);
        }
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(SPAWNS, counts.getOrDefault("spawn", 0L), counts.toString());
        assertEquals(SPAWNS, counts.getOrDefault("spawn.exec", 0L), counts.toString());
        assertEquals(SPAWNS, counts.getOrDefault("spawn.cpu", 0L), "the CPU split too: " + counts);
    }
}
