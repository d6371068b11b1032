package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code doctor} on this machine, and on a running JVM without the agent that spawns with FORK. */
class DoctorTest {
    private static ForkedJvm.Result doctor(Jdks.Jdk jdk, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "-jar";
        command[1] = ForkedJvm.AGENT_JAR.toString();
        command[2] = "doctor";
        System.arraycopy(args, 0, command, 3, args.length);
        return ForkedJvm.on(jdk).args(command).run();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void thisMachineWithDefaultsIsFine(Jdks.Jdk jdk) {
        ForkedJvm.Result r = doctor(jdk);
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr);
        assertTrue(r.stdout.contains("  JDK                       " + jdk.major + "\n"), r.stdout);
        assertTrue(r.stdout.contains("  launch mechanism          POSIX_SPAWN\n"), r.stdout);
        assertTrue(r.stdout.contains("[ok] nothing in the settings slows spawns"), r.stdout);
        assertTrue(r.stdout.endsWith("\nVerdict: nothing in the settings slows spawns\n"), r.stdout);
        assertTrue(r.stdout.contains(jdk.major >= 24
                ? "  spawn CPU, by the agent   the JDK's thread CPU clock: CPU per spawn, no system/user split (JDK "
                : "  spawn CPU, by the agent   clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) through JNA"), r.stdout);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aForkingJvmWithATouchedHeapIsToldToUsePosixSpawn(Jdks.Jdk jdk) throws Exception {
        Process app = ForkedJvm.on(jdk).args("-Xmx2g", "-Djdk.lang.Process.launchMechanism=FORK")
                .sampleApp("--threads", "1", "--duration", "60s", "--heap-gib", "0.5").start();
        try {
            new ForkedJvm.StreamCollector(app.getInputStream());
            Path status = Path.of("/proc", Long.toString(app.pid()), "status");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long rssKib = 0;
            while (rssKib < 400_000) { // the half GiB is touched
                assertTrue(System.nanoTime() < deadline, "the heap was never touched");
                Thread.sleep(100);
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        rssKib = Long.parseLong(line.split("\\s+")[1]);
                    }
                }
            }
            ForkedJvm.Result r = doctor(jdk, Long.toString(app.pid()));
            assertEquals(0, r.exitCode, r.toString());
            assertTrue(r.stdout.contains("  launch mechanism          FORK\n"), r.stdout);
            assertTrue(r.stdout.contains("  JDK                       " + jdk.major + "\n"), r.stdout);
            assertTrue(r.stdout.contains("[warn] FORK with "), r.stdout);
            assertTrue(r.stdout.contains("advice: use POSIX_SPAWN"), r.stdout);
            assertTrue(r.stdout.contains("Recorded: nothing to read (no spawnlock agent on its command line"), r.stdout);
            assertTrue(r.stdout.endsWith("\nVerdict: 1 warning in the settings above\n"), r.stdout);
        } finally {
            app.destroyForcibly();
            app.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aJvmWithTheAgentIsToldWhatItsOwnRecordSays(Jdks.Jdk jdk, @TempDir Path dir) throws Exception {
        Process app = ForkedJvm.on(jdk).in(dir).agent("interval=1s")
                .sampleApp("--threads", "4", "--duration", "60s", "--lock", "synchronized").start();
        try {
            new ForkedJvm.StreamCollector(app.getInputStream());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ForkedJvm.Result r;
            do { // the default log, spawnlock-<pid>.hlog in the app's directory, gets its first intervals
                Thread.sleep(1000);
                r = doctor(jdk, Long.toString(app.pid()));
                assertEquals(0, r.exitCode, r.toString());
            } while (!r.stdout.contains("Cause: ") && System.nanoTime() < deadline);
            assertTrue(r.stdout.contains("Recorded by the agent in process " + app.pid() + " ("
                    + dir.toRealPath().resolve("spawnlock-" + app.pid() + ".hlog") + "):"), r.stdout);
            assertTrue(r.stdout.contains("  spawn CPU from "), r.stdout);
            assertTrue(r.stdout.contains("Cause: lock convoy: threads wait for io.spawnlock.sample.Spawner.monitor"), r.stdout);
            // one verdict: the settings are not called fine next to a convoy
            assertTrue(r.stdout.endsWith("\nVerdict: lock convoy on io.spawnlock.sample.Spawner.monitor, as the agent"
                    + " recorded it\n"), r.stdout);
            assertTrue(!r.stdout.contains("nothing found"), r.stdout);
        } finally {
            app.destroyForcibly();
            app.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aBadPidIsOneLine(Jdks.Jdk jdk) {
        ForkedJvm.Result r = doctor(jdk, "not-a-pid");
        assertEquals(2, r.exitCode);
        assertEquals("spawnlock: doctor: 'not-a-pid' is not a process id (usage: java -jar spawnlock-agent.jar doctor"
                + " [<pid>])\n", r.stderr);
    }
}
