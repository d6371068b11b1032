package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three causes of slow spawns, reproduced with the sample app under the agent, each named by
 * {@code report} from the agent's own data (the problem as measured on this kind of machine). Sized down for CI: the
 * assertions are ratios between the parts of one run, never absolute times.
 */
class SpawnCausesTest {
    @TempDir
    Path dir;

    private Run run(Jdks.Jdk jdk, String name, String[] jvmArgs, String... sampleArgs) throws Exception {
        Path log = dir.resolve(name + ".hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).args(jvmArgs).agent("log=" + log).sampleApp(sampleArgs).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, "the agent prints nothing, JNA or not\n" + r);
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report", log.toString()).run();
        assertEquals(0, report.exitCode, report.toString());
        return new Run(HistogramLogs.means(log), HistogramLogs.counts(log), report.stdout, Files.readString(log));
    }

    private static final class Run {
        final Map<String, Double> means;
        final Map<String, Long> counts;
        final String report;
        final String log;

        Run(Map<String, Double> means, Map<String, Long> counts, String report, String log) {
            this.means = means;
            this.counts = counts;
            this.report = report;
            this.log = log;
        }

        double mean(String tag) {
            return means.getOrDefault(tag, 0.0);
        }

        /** The cause and its advice as one text: the lines from "Cause: " to the end of the report, unwrapped. */
        String cause() {
            int at = report.indexOf("\nCause: ");
            return at < 0 ? "no cause line in:\n" + report
                    : report.substring(at + 1).trim().replaceAll("\\s*\\n\\s*", " ");
        }

        @Override
        public String toString() {
            return report + "\n--- log\n" + log;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void forkWithATouchedHeapIsThePageTableCopy(Jdks.Jdk jdk) throws Exception {
        Run fork = run(jdk, "fork", new String[] {"-Xmx2g", "-Djdk.lang.Process.launchMechanism=FORK"},
                "--heap-gib", "1", "--threads", "1", "--spawns", "20", "--lock", "none");
        // the signature: the spawning thread itself is busy in fork/exec, far above a small JVM's ~0.2 ms. In CPU
        // time, not as a share of the wall time: on a loaded machine the wall time grows while the thread waits
        // for a core (two busy loops on this 2-core machine took the share from 0.3-0.45 down to 0.21).
        assertTrue(fork.mean("spawn.cpu") >= 5e6, "parent CPU in fork/exec\n" + fork);
        assertTrue(fork.cause().startsWith("Cause: page-table copy"), fork.cause());
        assertTrue(fork.cause().contains("use POSIX_SPAWN"), fork.cause());
        if (fork.counts.containsKey("spawn.cpu.sys")) { // with JNA: the copy is kernel time
            assertTrue(fork.mean("spawn.cpu.sys") >= 0.7 * fork.mean("spawn.cpu"), fork.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void thousandsOfOpenDescriptorsAreTheChildsSweep(Jdks.Jdk jdk) throws Exception {
        Run fds = run(jdk, "fds", new String[0], "--open-files", "12000", "--threads", "1", "--spawns", "20", "--lock", "none");
        // the signature: long native part, little of it on the parent's CPU
        assertTrue(fds.mean("spawn.child") >= 0.75 * fds.mean("spawn.exec"), fds.toString());
        assertTrue(fds.mean("spawn.cpu") <= 0.2 * fds.mean("spawn.exec"), fds.toString());
        assertTrue(fds.mean("os.fds") >= 12000 * 0.99, "the interval samples saw the descriptors\n" + fds);
        assertTrue(fds.cause().startsWith("Cause: descriptor sweep"), fds.cause());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void fourThreadsBehindOneLockAreAConvoy(Jdks.Jdk jdk) throws Exception {
        Run convoy = run(jdk, "convoy", new String[0], "--threads", "4", "--duration", "3s", "--lock", "synchronized");
        // the signature: each spawning thread waited for the lock longer than its spawn took
        assertTrue(convoy.mean("spawn.lockwait") >= 1.5 * convoy.mean("spawn"), convoy.toString());
        assertTrue(convoy.cause().startsWith("Cause: lock convoy: threads wait for io.spawnlock.sample.Spawner.monitor"),
                convoy.cause());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theLogSaysWhereCpuComesFromAndHowPrecise(Jdks.Jdk jdk) throws Exception {
        Run plain = run(jdk, "plain", new String[0], "--threads", "1", "--duration", "2s", "--lock", "none");
        if (jdk.major >= 24) {
            assertTrue(plain.log.contains("spawn CPU from the JDK's thread CPU clock (exact total; no system/user split,"
                    + " minor faults or context switches per spawn); measured from "), plain.log);
            assertTrue(plain.log.contains("JNA not used: JDK " + jdk.major), plain.log);
            assertTrue(!plain.counts.containsKey("spawn.cpu.sys"), plain.counts.toString());
        } else {
            assertTrue(plain.log.contains("spawn CPU from clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) through JNA"), plain.log);
        }
        for (String tag : new String[] {"os.rss", "os.anon4k", "os.fds", "os.fds.limit"}) {
            assertTrue(plain.counts.getOrDefault(tag, 0L) >= 1, tag + " sampled at least at exit: " + plain.counts);
        }
        assertTrue(plain.counts.containsKey("spawn.cpu"), plain.toString());
        assertTrue(plain.counts.get("spawn.cpu") <= plain.counts.get("spawn.exec"), plain.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void nativeAccessEnabledGivesTheFullSplitWithoutAWarning(Jdks.Jdk jdk) throws Exception {
        String[] flags = jdk.major >= 22 ? new String[] {"--enable-native-access=ALL-UNNAMED"} : new String[0];
        Run jna = run(jdk, "jna", flags, "--threads", "1", "--spawns", "30", "--duration", "2s", "--lock", "none");
        assertTrue(jna.log.contains("spawn CPU from clock_gettime(CLOCK_THREAD_CPUTIME_ID) and getrusage(RUSAGE_THREAD) through JNA"), jna.log);
        assertTrue(jna.counts.getOrDefault("spawn.cpu.sys", 0L) > 0, jna.toString());
        assertTrue(jna.counts.getOrDefault("spawn.nvcsw", 0L) > 0, jna.counts.toString());
        // the first spawns may come while JNA loads, on the JDK's clock: CPU without the details
        assertTrue(jna.log.contains("(before, from the JDK's thread CPU clock)"), jna.log);
        assertTrue(jna.counts.get("spawn.cpu.sys") <= jna.counts.get("spawn.cpu")
                && jna.counts.get("spawn.cpu.sys") >= jna.counts.get("spawn.cpu") / 2, jna.counts.toString());
    }
}
