package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.shapes.CodeShapesApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spawn locks in the code shapes real services have, with no configuration, on JDK 17 and 25: each
 * shape counts its own acquisitions and times its own waits with {@code System.nanoTime()}, and the
 * agent's log (read with HdrHistogram's reader) must agree: every acquisition in {@code lock.hold} (at
 * least 95% where the lock and the spawn are in different classes), and the total {@code lock.wait}
 * within 10% of the program's.
 */
class CodeShapesTest {
    private static final String APP = CodeShapesApp.class.getName();
    private static final Pattern TRUTH = Pattern.compile("acquisitions=(\\d+) waitNanos=(\\d+)");

    @TempDir
    Path dir;

    /** shape, lock tag suffix, threads, spawns per thread, whether lock and spawn share a class. */
    private static final Object[][] SHAPES = {
        {"loop-monitor", "$LoopMonitor.GATE", 4, 10, true},
        {"loop-lock", "$LoopLock.LOCK", 4, 10, true},
        {"per-call", "$PerCall.MONITOR", 4, 10, true},
        {"lambda", "$Lambdas.MONITOR", 4, 10, true},
        {"synchronized-from-lambda", "$SynchronizedGate#spawn", 4, 10, true},
        {"two-frames-up", "$TwoFramesUp.GUARD", 4, 10, false},
        {"library", "$ThroughLibrary.LAUNCH_LOCK", 4, 10, false},
        {"read-write", "$ReadWrite.RW", 4, 10, true},
        {"stamped", "$Stamped.STAMPS", 4, 10, true},
        {"semaphore", "$Permits.SPAWN_PERMITS", 4, 10, true},
        {"try-lock-timeout", "$TryLockTimeout.TIMED", 4, 10, true},
        {"lock-interruptibly", "$Interruptibly.INTERRUPTIBLE", 4, 10, true},
        {"held-across-wait-for", "$HeldAcrossWaitFor.RUN_LOCK", 4, 3, true},
    };

    /** Virtual threads exist from JDK 21 on: these shapes are cases of the JDKs that have them only. */
    private static final Object[][] VIRTUAL_SHAPES = {
        {"virtual-monitor", "$VirtualBurst.VIRTUAL_MONITOR", 200, 1, true},
        {"virtual-lock", "$VirtualBurst.VIRTUAL_LOCK", 200, 1, true},
    };

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        Jdks.all().forEach(jdk -> {
            for (Object[] s : SHAPES) {
                all.add(Arguments.of(jdk, s[0], s[1], s[2], s[3], s[4]));
            }
            if (jdk.major >= 21) {
                for (Object[] s : VIRTUAL_SHAPES) {
                    all.add(Arguments.of(jdk, s[0], s[1], s[2], s[3], s[4]));
                }
            }
        });
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyAcquisitionIsMeasuredAndTheWaitsAddUp(Jdks.Jdk jdk, String shape, String lockSuffix, int threads,
                                                    int spawns, boolean sameClass) throws Exception {
        Path log = dir.resolve(shape + ".hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log + ",interval=200ms")
                .fixture(CodeShapesApp.class, shape, Integer.toString(threads), Integer.toString(spawns)).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, "the agent printed on the application's stderr:\n" + r);
        Matcher m = TRUTH.matcher(r.stdout);
        assertTrue(m.find(), r.toString());
        long acquisitions = Long.parseLong(m.group(1));
        long programWait = Long.parseLong(m.group(2));
        assertEquals((long) threads * spawns, acquisitions, r.toString());

        String lock = APP + lockSuffix;
        Map<String, Long> counts = HistogramLogs.counts(log);
        Map<String, Double> means = HistogramLogs.means(log);
        long holds = counts.getOrDefault("lock.hold." + lock, 0L);
        long waits = counts.getOrDefault("lock.wait." + lock, 0L);
        String context = shape + ": program " + acquisitions + " acquisitions, " + programWait / 1_000_000 + " ms waited;"
                + " log " + counts + "\n" + r;
        if (sameClass) {
            assertEquals(acquisitions, holds, "lock.hold must count every acquisition: " + context);
        } else {
            assertTrue(holds >= acquisitions * 0.95, "lock.hold must count >= 95% of the acquisitions: " + context);
        }
        assertEquals(holds, waits, "every measured acquisition has its wait: " + context);
        double agentWait = means.getOrDefault("lock.wait." + lock, 0.0) * waits;
        assertTrue(Math.abs(agentWait - programWait) <= 0.10 * programWait,
                "total lock.wait " + Math.round(agentWait / 1e6) + " ms must be within 10% of the program's "
                        + programWait / 1_000_000 + " ms: " + context);
        if (shape.equals("held-across-wait-for")) { // each hold is a 50 ms child's run around a ~2 ms spawn
            ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report",
                    log.toString()).run();
            assertTrue(report.stdout.replace("\n        ", " ").contains("\nCause: lock held across the child's run:"
                    + " threads wait for " + lock + ", whose holder keeps it "), report.toString()); // the cause, unwrapped
        }
    }
}
