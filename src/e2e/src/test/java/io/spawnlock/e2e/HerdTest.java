package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The thundering herds of the JVM, each reproduced by the sample app in its
 * broken setup and with its fix, measured by the agent and named by {@code report} and {@code doctor}.
 * Assertions are counts the app itself saw, and ratios between the two setups; never absolute times.
 */
class HerdTest {
    private static final Pattern PORT = Pattern.compile("port (\\d+)");
    private static final Pattern NULLS = Pattern.compile("nullAccepts=(\\d+)");
    private static final Pattern FUTILE = Pattern.compile("summary jobs=(\\d+) futileWakeups=(\\d+)");

    @TempDir
    Path dir;

    private Run run(Jdks.Jdk jdk, String name, String agentOptions, String... sampleArgs) throws Exception {
        Path log = dir.resolve(name + ".hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log + (agentOptions.isEmpty() ? "" : "," + agentOptions))
                .sampleApp(sampleArgs).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, "the agent prints nothing\n" + r);
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report", log.toString()).run();
        assertEquals(0, report.exitCode, report.toString());
        return new Run(r.stdout, HistogramLogs.counts(log), HistogramLogs.means(log), report.stdout);
    }

    private static final class Run {
        final String app;
        final Map<String, Long> counts;
        final Map<String, Double> means;
        final String report;

        Run(String app, Map<String, Long> counts, Map<String, Double> means, String report) {
            this.app = app;
            this.counts = counts;
            this.means = means;
            this.report = report;
        }

        long count(String tag) {
            return counts.getOrDefault(tag, 0L);
        }

        double mean(String tag) {
            return means.getOrDefault(tag, 0.0);
        }

        long app(Pattern p, int group) {
            Matcher m = p.matcher(app);
            assertTrue(m.find(), p + " in\n" + app);
            return Long.parseLong(m.group(group));
        }

        @Override
        public String toString() {
            return app + "\n--- report\n" + report;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void oneListeningChannelOnFourSelectorsIsAHerdAndReusePortEndsIt(Jdks.Jdk jdk) throws Exception {
        Run herd = run(jdk, "herd", "", "--herd", "accept", "--herd-threads", "4", "--herd-items", "200");
        Run fixed = run(jdk, "fixed", "", "--herd", "accept", "--herd-threads", "4", "--herd-items", "200", "--fixed");
        String herdPort = Long.toString(herd.app(PORT, 1));
        String fixedPort = Long.toString(fixed.app(PORT, 1));

        // every connection counted once, with the selectors its channel was registered with
        assertEquals(200, herd.count("accept.selectors." + herdPort), herd.toString());
        assertEquals(200, fixed.count("accept.selectors." + fixedPort), fixed.toString());
        assertEquals(4.0, herd.mean("accept.selectors." + herdPort), herd.toString());
        assertEquals(1.0, fixed.mean("accept.selectors." + fixedPort), fixed.toString());
        // each null the app got from accept() is one the agent counted
        assertEquals(herd.app(NULLS, 1), herd.count("accept.null." + herdPort), herd.toString());
        assertEquals(fixed.app(NULLS, 1), fixed.count("accept.null." + fixedPort), fixed.toString());

        // the herd as the threads lived it: ~4 wakeups per connection against ~1
        double herdWakeups = herd.mean("accept.wakeups." + herdPort);
        double fixedWakeups = fixed.mean("accept.wakeups." + fixedPort);
        assertEquals(200, herd.count("accept.wakeups." + herdPort), herd.toString());
        assertTrue(fixedWakeups >= 0.9 && fixedWakeups <= 1.5, "fixed: " + fixedWakeups + "\n" + fixed);
        assertTrue(herdWakeups >= 2.5 * fixedWakeups, "herd " + herdWakeups + " vs fixed " + fixedWakeups + "\n" + herd);

        assertTrue(herd.report.contains("  Herd on port " + herdPort + ": every connection wakes the threads of all 4"
                + " selectors"), herd.report);
        assertTrue(fixed.report.contains("  port " + fixedPort + ": 200 connections, its channel registered with 1 selector;"),
                fixed.report);
        assertFalse(fixed.report.contains("Herd on"), fixed.report);
    }

    static Stream<Arguments> locks() {
        return Jdks.all().flatMap(jdk -> Stream.of(Arguments.of(jdk, "synchronized", "jobs"),
                Arguments.of(jdk, "reentrant", "lock")));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("locks")
    void aBroadcastUnderASpawnLockIsAHerdAndWakingOneEndsIt(Jdks.Jdk jdk, String mode, String field) throws Exception {
        String lock = "io.spawnlock.sample.NotifyHerd." + field;
        String configured = "locks=" + lock; // measured from the first job on, so the counts match the app's exactly
        Run herd = run(jdk, "herd", configured, "--herd", "notify", "--herd-items", "60", "--lock", mode);
        Run fixed = run(jdk, "fixed", configured, "--herd", "notify", "--herd-items", "60", "--lock", mode, "--fixed");

        assertEquals(60, herd.app(FUTILE, 1), herd.toString());
        assertEquals(herd.app(FUTILE, 2), herd.count("lock.futile." + lock), "every futile wakeup the app saw\n" + herd);
        assertEquals(fixed.app(FUTILE, 2), fixed.count("lock.futile." + lock), "every futile wakeup the app saw\n" + fixed);
        assertEquals(61, herd.count("lock.broadcast." + lock), "one per job and one at the end\n" + herd);
        assertEquals(1, fixed.count("lock.broadcast." + lock), "only the one at the end\n" + fixed);
        assertTrue(herd.mean("lock.broadcast." + lock) >= 2, "a broadcast moved several waiters\n" + herd);

        long herdFutile = herd.count("lock.futile." + lock);
        long fixedFutile = fixed.count("lock.futile." + lock);
        assertTrue(herdFutile >= 60, "at least one futile wakeup per job: " + herdFutile + "\n" + herd);
        assertTrue(herdFutile >= 5 * (fixedFutile + 1), "herd " + herdFutile + " vs fixed " + fixedFutile);

        assertTrue(herd.report.contains("  Herd on " + lock + ": each notifyAll/signalAll wakes every waiter"), herd.report);
        assertFalse(fixed.report.contains("Herd on"), fixed.report);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void doctorNamesTheHerdOfARunningServer(Jdks.Jdk jdk) throws Exception {
        Process app = ForkedJvm.on(jdk).in(dir).agent("interval=200ms")
                .sampleApp("--herd", "accept", "--herd-threads", "3", "--herd-items", "100", "--linger", "60s").start();
        try {
            new ForkedJvm.StreamCollector(app.getErrorStream());
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            String port = null;
            for (String line; port == null && (line = out.readLine()) != null; ) {
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    port = m.group(1);
                }
            }
            assertTrue(port != null, "the app never said its port");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ForkedJvm.Result r;
            do { // the connections are made; the log's next intervals hold them
                Thread.sleep(300);
                r = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "doctor", Long.toString(app.pid())).run();
                assertEquals(0, r.exitCode, r.toString());
            } while (!r.stdout.contains("Herd on port " + port) && System.nanoTime() < deadline);
            assertTrue(r.stdout.contains("  Herd on port " + port + ": every connection wakes the threads of all 3 selectors"),
                    r.stdout);
            assertTrue(r.stdout.contains("give each selector its own listening channel bound with SO_REUSEPORT"), r.stdout);
            assertTrue(Files.exists(dir.resolve("spawnlock-" + app.pid() + ".hlog")));
        } finally {
            app.destroyForcibly();
            app.waitFor();
        }
    }
}
