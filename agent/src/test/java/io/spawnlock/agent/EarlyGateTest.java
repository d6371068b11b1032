package io.spawnlock.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.accept.AcceptClassRewriter;
import io.spawnlock.spawn.SpawnClasses;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EarlyGateTest {
    private static final byte[] ORIGINAL = {1};
    private static final byte[] REWRITTEN = {2};
    /** Stands for the agent's class gate: rewrites every class it is given. */
    private static final ClassFileTransformer CLASS_GATE = new ClassFileTransformer() {
        @Override
        public byte[] transform(ClassLoader l, String name, Class<?> c, ProtectionDomain d, byte[] bytes) {
            return REWRITTEN;
        }
    };

    private final EarlyGate gate = new EarlyGate();

    @Test
    void holdsExactlyTheJdkClassesTheAgentRewrites() {
        Set<String> rewritten = new TreeSet<>();
        for (String name : EarlyGate.HELD) {
            if (SpawnClasses.isTarget(name) || AcceptClassRewriter.SERVER_CHANNEL.equals(name)) {
                rewritten.add(name);
            }
        }
        assertEquals(new TreeSet<>(Arrays.asList(EarlyGate.HELD)), rewritten, "every held class is one the agent rewrites");
        assertTrue(rewritten.contains("java/lang/ProcessBuilder") && rewritten.contains("java/lang/ProcessImpl")
                && rewritten.contains(AcceptClassRewriter.SERVER_CHANNEL), "and every class it rewrites is held");
    }

    @Test
    void aSpawnClassLoadWaitsForTheClassGateAndIsRewrittenByIt() throws Exception {
        CompletableFuture<byte[]> load = CompletableFuture.supplyAsync(
                () -> gate.transform(null, "java/lang/ProcessBuilder", null, null, ORIGINAL));
        Thread.sleep(100);
        assertTrue(!load.isDone(), "held until the agent has started");
        gate.accept(CLASS_GATE, null);
        assertArrayEquals(REWRITTEN, load.get(5, TimeUnit.SECONDS));
    }

    @Test
    void otherClassesPassAtOnceAndLaterOnesGoToTheClassGate() {
        assertNull(gate.transform(null, "java/lang/String", null, null, ORIGINAL), "a JDK class is not held");
        assertNull(gate.transform(getClass().getClassLoader(), "com/acme/Main", null, null, ORIGINAL));
        gate.accept(CLASS_GATE, null);
        assertArrayEquals(REWRITTEN, gate.transform(getClass().getClassLoader(), "com/acme/Main", null, null, ORIGINAL));
    }

    @Test
    void aStartThatEndsWithoutAGateReleasesTheHeldLoadUnchanged() throws Exception {
        CompletableFuture<byte[]> load = CompletableFuture.supplyAsync(
                () -> gate.transform(null, "java/lang/ProcessImpl", null, null, ORIGINAL));
        Thread.sleep(100);
        gate.startEnded(); // a bad option, say: the agent is off
        assertNull(load.get(5, TimeUnit.SECONDS));
    }

    @Test
    void theExitHookRunsTheAgentsExitWorkOnceTheStartHasHandedItOver() throws Exception {
        boolean[] ran = new boolean[1];
        gate.trigger(); // a spawn class loaded, say
        Thread hook = gate.exitHook();
        hook.start(); // the JVM exits while the agent is still starting
        Thread.sleep(100);
        assertTrue(hook.isAlive(), "it waits for the start");
        gate.accept(CLASS_GATE, () -> ran[0] = true);
        hook.join(5_000);
        assertTrue(ran[0], "the log is closed even if main ended first");
    }

    @Test
    void theExitHookHasNothingToDoWhenTheStartEndedWithoutTheAgent() throws Exception {
        gate.startEnded();
        Thread hook = gate.exitHook();
        hook.start();
        hook.join(5_000);
        assertTrue(!hook.isAlive());
    }

    @Test
    void theStartingThreadItselfIsNeverHeld() throws Exception {
        CompletableFuture<Long> took = new CompletableFuture<>();
        gate.arm(() -> { // the start loads a held class itself, on the starter thread
            long t0 = System.nanoTime();
            gate.transform(null, "java/lang/ProcessBuilder", null, null, ORIGINAL);
            took.complete(System.nanoTime() - t0);
        });
        gate.trigger();
        assertTrue(took.get(5, TimeUnit.SECONDS) < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aHeldClassStartsTheAgentAndWaitsForItsGate() throws Exception {
        gate.arm(() -> gate.accept(CLASS_GATE, null));
        long t0 = System.nanoTime();
        assertArrayEquals(REWRITTEN, gate.transform(null, "java/lang/ProcessImpl", null, null, ORIGINAL));
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(EarlyGate.START_AFTER_MILLIS),
                "started at once, not after the timer");
    }

    @Test
    void anIdleJvmStartsTheAgentAfterTheDelay() throws Exception {
        CompletableFuture<Long> startedAt = new CompletableFuture<>();
        long t0 = System.nanoTime();
        gate.arm(() -> startedAt.complete(System.nanoTime()));
        long after = startedAt.get(5, TimeUnit.SECONDS) - t0;
        assertTrue(after >= TimeUnit.MILLISECONDS.toNanos(EarlyGate.START_AFTER_MILLIS), "started after " + after + " ns");
    }

    @Test
    void aJvmThatExitsBeforeAnythingAskedForTheAgentNeitherWaitsNorStartsIt() throws Exception {
        boolean[] started = new boolean[1];
        gate.arm(() -> started[0] = true);
        Thread hook = gate.exitHook();
        long t0 = System.nanoTime();
        hook.start();
        hook.join(5_000);
        assertTrue(!hook.isAlive() && System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500), "the exit does not wait");
        long t1 = System.nanoTime();
        assertNull(gate.transform(null, "java/lang/ProcessBuilder", null, null, ORIGINAL), "a class loaded during the exit");
        assertTrue(System.nanoTime() - t1 < TimeUnit.MILLISECONDS.toNanos(500), "is not held");
        Thread.sleep(EarlyGate.START_AFTER_MILLIS + 200);
        assertTrue(!started[0], "and the timer does not start the agent");
    }
}
