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
    void theStartingThreadItselfIsNeverHeld() {
        gate.startedBy(Thread.currentThread());
        long t0 = System.nanoTime();
        assertNull(gate.transform(null, "java/lang/ProcessBuilder", null, null, ORIGINAL));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
    }
}
