package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.LockApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spawn locks found without configuration, on JDK 17 and 25: for every shape of lock, around
 * {@code ProcessBuilder.start()} and {@code Runtime.exec}, the lock tags count exactly the acquisitions,
 * from the first: the lock and the spawn are in one class, so the load-time pass finds the lock before the
 * class first runs.
 */
class SpawnLockTest {
    static final String GATE = "io.spawnlock.e2e.fixtures.SpawnGate";
    private static final int THREADS = 3;
    private static final int SPAWNS = 8;

    @TempDir
    Path dir;

    static String lockName(String kind) {
        switch (kind) {
            case "block": return GATE + ".monitor";
            case "lock": return GATE + ".lock";
            case "method": return GATE + "#viaMethod";
            case "static": return GATE + "#viaStatic";
            default: throw new IllegalArgumentException(kind);
        }
    }

    /** What a run of {@link LockApp} did and what the agent logged. */
    static final class Run {
        final long acquisitions;
        final Map<String, Long> counts;
        final String stdout;
        final String stderr;
        final String log;

        Run(long acquisitions, Map<String, Long> counts, String stdout, String stderr, String log) {
            this.acquisitions = acquisitions;
            this.counts = counts;
            this.stdout = stdout;
            this.stderr = stderr;
            this.log = log;
        }

        long count(String tag) {
            return counts.getOrDefault(tag, 0L);
        }
    }

    /**
     * Runs LockApp under the agent and releases it only once the log says the lock was found (or, with
     * {@code awaitLock} null, after a short pause), so every measured acquisition follows the rewrite.
     */
    static Run run(Jdks.Jdk jdk, Path dir, String awaitLock, List<String> jvmArgs, String... appArgs) throws Exception {
        return run(jdk, dir, awaitLock, "", jvmArgs, appArgs);
    }

    /** @param agentOptions more agent options, each starting with a comma */
    static Run run(Jdks.Jdk jdk, Path dir, String awaitLock, String agentOptions, List<String> jvmArgs,
                   String... appArgs) throws Exception {
        Path log = dir.resolve("locks-" + String.join("-", appArgs) + ".hlog");
        ForkedJvm jvm = ForkedJvm.on(jdk).agent("log=" + log + ",interval=100ms" + agentOptions);
        jvm.args(jvmArgs.toArray(new String[0]));
        Process p = jvm.fixture(LockApp.class, appArgs).start();
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        ForkedJvm.Watchdog watchdog = new ForkedJvm.Watchdog(p, jdk, 90);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder stdout = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.equals("warm")) {
            stdout.append(line).append('\n');
        }
        assertEquals("warm", line, "the fixture did not warm up:\n" + stdout + err.text() + watchdog.dump());
        if (awaitLock != null) {
            String marker = "#[spawnlock spawn lock " + awaitLock;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(log) && Files.readString(log).contains(marker))) {
                assertTrue(System.nanoTime() < deadline, "lock never discovered: " + marker + "\n"
                        + (Files.exists(log) ? Files.readString(log) : "(no log)") + err.text());
                Thread.sleep(20);
            }
        } else {
            Thread.sleep(500);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        long acquisitions = -1;
        while ((line = out.readLine()) != null) {
            stdout.append(line).append('\n');
            if (line.startsWith("acquisitions=")) {
                acquisitions = Long.parseLong(line.substring("acquisitions=".length()));
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        err.join();
        assertEquals(0, p.exitValue(), stdout + err.text() + watchdog.dump());
        return new Run(acquisitions, HistogramLogs.counts(log), stdout.toString(), err.text(), Files.readString(log));
    }

    static Stream<Arguments> shapes() {
        return Jdks.all().flatMap(jdk -> Stream.of("block", "method", "static", "lock")
                .flatMap(kind -> Stream.of("start", "exec").map(how -> Arguments.of(jdk, kind, how))));
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @MethodSource("shapes")
    void discoveredLockCountsEveryAcquisition(Jdks.Jdk jdk, String kind, String how) throws Exception {
        String lock = lockName(kind);
        Run r = run(jdk, dir, lock, List.of(), kind, how, Integer.toString(THREADS), Integer.toString(SPAWNS), "0");
        assertEquals("", r.stderr);
        assertEquals(THREADS * SPAWNS, r.acquisitions, r.stdout);
        assertTrue(r.log.contains("#[spawnlock spawn lock " + lock + (kind.equals("block") || kind.equals("lock") ? ""
                : " (synchronized method)") + " held around a spawn at " + GATE + "#"), r.log);
        long all = r.acquisitions + 1; // the warm-up acquisition, before "warm", is measured too
        assertEquals(all, r.count("lock.hold." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.wait." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.queue." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.overtaken." + lock), r.counts.toString());
        // every acquisition spawned: each spawn is attributed to the lock, with its native part
        assertEquals(all, r.count("lock.spawn." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.exec." + lock), r.counts.toString());
        assertEquals(all, r.count("spawn"), r.counts.toString());
    }

    static Stream<Arguments> configuredSites() {
        return Jdks.all().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, "lock", GATE + ".lock", GATE + ".lock"),
                Arguments.of(jdk, "block", GATE + "#viaBlock", GATE + ".monitor"),
                Arguments.of(jdk, "lock", GATE + "#viaLock", GATE + ".lock")));
    }

    /** discover=off: only the option finds the lock, before any spawn; the warm-up is its first acquisition. */
    @ParameterizedTest(name = "{0}, locks={2}")
    @MethodSource("configuredSites")
    void configuredSiteIsMeasuredFromItsFirstAcquisition(Jdks.Jdk jdk, String kind, String site, String lock)
            throws Exception {
        Run r = run(jdk, dir, lock, ",discover=off,locks=" + site, List.of(), kind, "start", "2", "3", "5");
        assertEquals("", r.stderr);
        assertEquals(2 * 3 + 5, r.acquisitions, r.stdout);
        assertTrue(r.log.contains("#[spawnlock spawn lock " + lock + " configured as locks=" + site + "]"), r.log);
        long all = r.acquisitions + 1; // the warm-up acquisition came first, before "warm"
        assertEquals(all, r.count("lock.hold." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.wait." + lock), r.counts.toString());
        assertEquals(all, r.count("lock.overtaken." + lock), r.counts.toString());
        assertEquals(2 * 3 + 1, r.count("lock.spawn." + lock), r.counts.toString()); // the hot calls spawn nothing
    }

    /**
     * A configured synchronized method: hold and wait are measured from the first call, by every caller, for
     * its class's first load makes it the equivalent block.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void configuredSynchronizedMethodHoldIsMeasuredFromItsFirstCall(Jdks.Jdk jdk) throws Exception {
        String lock = GATE + "#viaMethod";
        Run r = run(jdk, dir, lock, ",discover=off,locks=" + lock, List.of(), "method", "start", "2", "3", "5");
        assertEquals("", r.stderr);
        assertEquals(r.acquisitions + 1, r.count("lock.hold." + lock), r.counts.toString());
        assertEquals(r.acquisitions + 1, r.count("lock.queue." + lock), r.counts.toString());
        assertEquals(7L, r.count("lock.spawn." + lock), r.counts.toString());
        assertEquals(r.acquisitions + 1, r.count("lock.wait." + lock), r.counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aConfiguredSiteThatNamesNothingSaysSoOnceAndTheApplicationRuns(Jdks.Jdk jdk) throws Exception {
        Run r = run(jdk, dir, null, ",discover=off,locks=" + GATE + "#noSuchMethod;" + GATE + ".noSuchField",
                List.of(), "lock", "start", "1", "2", "0");
        assertEquals("spawnlock: locks: " + GATE + " has no method noSuchMethod\n"
                + "spawnlock: locks: " + GATE + " has no field noSuchField\n", r.stderr);
        assertEquals(2, r.acquisitions);
        assertEquals(3L, r.count("spawn"));
        assertTrue(r.counts.keySet().stream().noneMatch(t -> t.startsWith("lock.")), r.counts.toString());
    }

    /**
     * Spawns made holding no lock: the gate's locks are found in its code (they enclose spawns there), but
     * never taken, so no lock tag has a value.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void locksNeverTakenAroundSpawnsRecordNothing(Jdks.Jdk jdk) throws Exception {
        Run r = run(jdk, dir, null, List.of(), "none", "start", "2", "5", "0");
        assertEquals("", r.stderr);
        assertEquals(11L, r.count("spawn"));
        List<String> lockTags = new ArrayList<>();
        r.counts.keySet().stream().filter(t -> t.startsWith("lock.")).forEach(lockTags::add);
        assertEquals(List.of(), lockTags);
        assertEquals(0L, r.count("spawn.lockwait"), r.counts.toString());
    }

    /**
     * The JDKs with virtual threads (21+): JDK 25, which {@link Jdks#all} requires under CI; a run without it
     * says so in its first line, and this case has no JDK to run on.
     */
    static Stream<Jdks.Jdk> jdksWithVirtualThreads() {
        return Jdks.all().filter(jdk -> jdk.major >= 21);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("jdksWithVirtualThreads")
    void virtualThreadsSpawningUnderALockAreMeasured(Jdks.Jdk jdk) throws Exception {
        String lock = lockName("lock");
        Run r = run(jdk, dir, lock, List.of(), "lock", "start", "4", "5", "0", "virtual");
        assertEquals("", r.stderr);
        assertEquals(20, r.acquisitions);
        // and the warm-up's, on the main thread
        assertEquals(21L, r.count("lock.hold." + lock), r.counts.toString());
        assertEquals(21L, r.count("lock.wait." + lock), r.counts.toString());
        assertEquals(21L, r.count("lock.spawn." + lock), r.counts.toString());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("jdksAndBlockShapes")
    void rewrittenMethodsAreCompiledByTheJit(Jdks.Jdk jdk, String kind) throws Exception {
        Path jfr = dir.resolve("compile-" + kind + ".jfr");
        String lock = lockName(kind);
        // The JIT's lines go to stderr: on stdout they interleave with the fixture's "warm" mid-line.
        Run r = run(jdk, dir, lock, Arrays.asList("-XX:+PrintCompilation", "-XX:+DisplayVMOutputToStderr",
                // compile in the foreground, and no OSR of the calling loop, so the method itself reaches C2
                "-Xbatch", "-XX:-UseOnStackReplacement",
                "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile"),
                kind, "start", "1", "2", "300000");
        String method = "SpawnGate::" + (kind.equals("block") ? "viaBlock" : "viaLock");
        // A retransformation invalidates compilations in flight ("Jvmti state change"); the JIT retries
        // those. Any other reason to skip a rewritten method is a broken rewrite.
        List<String> skipped = r.stderr.lines()
                .filter(l -> l.contains("SpawnGate") && l.contains("COMPILE SKIPPED") && !l.contains("Jvmti state change"))
                .collect(Collectors.toList());
        assertEquals(List.of(), skipped);
        assertTrue(r.stderr.lines().anyMatch(l -> l.contains(method) && l.matches(".*\\s4\\s+.*")),
                "never compiled by C2: " + method + "\n" + r.stderr.lines().filter(l -> l.contains("SpawnGate")).reduce("", (a, b) -> a + b + "\n"));
        Process jfrTool = new ProcessBuilder(jdk.home.resolve("bin/jfr").toString(), "print", "--events",
                "jdk.CompilationFailure", jfr.toString()).redirectErrorStream(true).start();
        String events = new String(jfrTool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jfrTool.waitFor(), events);
        assertFalse(events.contains("SpawnGate"), events);
        // the hot acquisitions were measured too, and the warm-up's
        assertEquals(r.acquisitions + 1, r.count("lock.hold." + lock), r.counts.toString());
    }

    static Stream<Arguments> jdksAndBlockShapes() {
        return Jdks.all().flatMap(jdk -> Stream.of("block", "lock").map(kind -> Arguments.of(jdk, kind)));
    }
}
