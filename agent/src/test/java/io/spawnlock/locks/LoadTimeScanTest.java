package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.ClassFiles;
import io.spawnlock.agent.ConstantPool;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The load-time pass on classes compiled here: what it finds in a class's bytes, never running them. */
class LoadTimeScanTest {
    static final class Direct {
        private final Object monitor = new Object();

        Process spawn() throws IOException {
            synchronized (monitor) {
                return new ProcessBuilder("true").start();
            }
        }
    }

    /** The lock in one class, the spawn two classes further down. */
    static final class Outer {
        private final ReentrantLock guard = new ReentrantLock();

        void run() throws IOException {
            guard.lock();
            try {
                Middle.go();
            } finally {
                guard.unlock();
            }
        }
    }

    static final class Middle {
        static void go() throws IOException {
            Inner.start();
        }
    }

    static final class Inner {
        static void start() throws IOException {
            Runtime.getRuntime().exec(new String[] {"true"});
        }
    }

    /** Deeper than the read-ahead goes: four classes between the lock and the spawn. */
    static final class TooDeep {
        private final Object far = new Object();

        void run() throws IOException {
            synchronized (far) {
                Level1.go();
            }
        }
    }

    static final class Level1 {
        static void go() throws IOException {
            Level2.go();
        }
    }

    static final class Level2 {
        static void go() throws IOException {
            Level3.go();
        }
    }

    static final class Level3 {
        static void go() throws IOException {
            Inner.start();
        }
    }

    /** The same call, with no lock held: nothing to find. */
    static final class Free {
        void run() throws IOException {
            Middle.go();
        }
    }

    /** A lock around a private method that reaches the spawn through another of the same class. */
    static final class SameClass {
        private final Semaphore permits = new Semaphore(2);

        void run() throws Exception {
            if (permits.tryAcquire(1, TimeUnit.SECONDS)) {
                try {
                    first();
                } finally {
                    permits.release();
                }
            }
        }

        private void first() throws IOException {
            second();
        }

        private void second() throws IOException {
            new ProcessBuilder("true").start();
        }
    }

    /** A synchronized method whose spawn is in a helper of its class. */
    static final class SynchronizedSpawner {
        synchronized void run() throws IOException {
            helper();
        }

        private void helper() throws IOException {
            new ProcessBuilder("true").start();
        }
    }

    static final class NoLocks {
        int cores() {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static byte[] bytes(Class<?> c) {
        return ClassFiles.of(c);
    }

    private static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    /** What a fresh pass finds in {@code c}: "kind class key lock" per finding. */
    private static Set<String> found(Class<?> c) throws IOException {
        Set<String> out = new TreeSet<>();
        List<LoadTimeScan.Finding> findings = new LoadTimeScan(new SpawnCalls(List.of())).scan(c.getClassLoader(), bytes(c));
        for (LoadTimeScan.Finding f : findings) {
            out.add(f.kind + " " + f.internalClassName.substring(f.internalClassName.lastIndexOf('$') + 1) + " " + f.key
                    + (f.key.equals(f.lock) ? "" : " " + f.lock));
        }
        return out;
    }

    @Test
    void aLockAroundASpawnInTheSameMethod() throws Exception {
        String lock = LockNames.fieldName(internal(Direct.class), "monitor");
        assertEquals(Set.of("ACQUIRED Direct " + lock), found(Direct.class));
    }

    @Test
    void aCalleeTwoClassesDownIsReadAheadWithoutLoadingIt() throws Exception {
        String lock = LockNames.fieldName(internal(Outer.class), "guard");
        assertEquals(Set.of("ACQUIRED Outer " + lock), found(Outer.class));
        assertEquals(Set.of(), found(TooDeep.class), "four classes down is past the read-ahead");
        assertEquals(Set.of(), found(Free.class), "no lock held: nothing to read ahead for");
    }

    @Test
    void methodsOfTheSameClassAndAPermitGateWithArguments() throws Exception {
        String lock = LockNames.fieldName(internal(SameClass.class), "permits");
        assertEquals(Set.of("ACQUIRED SameClass " + lock), found(SameClass.class), "the receiver is named past its arguments");
    }

    @Test
    void aSynchronizedMethodThatReachesASpawnIsASpawnLock() throws Exception {
        String site = new LockNames(internal(SynchronizedSpawner.class), "run").site();
        assertEquals(Set.of("SYNCHRONIZED_METHOD SynchronizedSpawner run()V " + site), found(SynchronizedSpawner.class));
    }

    @Test
    void whatTheLoadTimePassFindsIsLearnt() throws Exception {
        SpawnCalls calls = new SpawnCalls(List.of());
        new LoadTimeScan(calls).scan(Outer.class.getClassLoader(), bytes(Outer.class));
        assertTrue(calls.spawns(internal(Middle.class), "go", "()V"), "the callee read ahead");
        assertTrue(calls.names().contains(internal(Inner.class) + ".start"), "the prefilter's set grows with it");
        assertFalse(calls.spawns(internal(Free.class), "run", "()V"));
    }

    @Test
    void thePrefilterNamesCallersOfSpawnMethodsAndTakersOfLocksOnly() throws Exception {
        SpawnCalls calls = new SpawnCalls(List.of());
        Set<String> owners = calls.owners();
        Set<String> spawnMethods = calls.names();
        assertTrue(ConstantPool.callsMethodOf(bytes(Direct.class), owners, spawnMethods));
        assertTrue(ConstantPool.callsMethodOf(bytes(Inner.class), owners, spawnMethods), "Runtime.exec");
        assertFalse(ConstantPool.callsMethodOf(bytes(NoLocks.class), owners, spawnMethods), "Runtime.availableProcessors is no spawn");
        assertFalse(ConstantPool.callsMethodOf(bytes(Outer.class), owners, spawnMethods));
        assertTrue(ConstantPool.callsOrLocks(bytes(Outer.class), owners, spawnMethods), "a ReentrantLock");
        assertTrue(ConstantPool.callsOrLocks(bytes(TooDeep.class), owners, spawnMethods), "a monitor");
        assertTrue(ConstantPool.callsOrLocks(bytes(SynchronizedSpawner.class), owners, spawnMethods), "a synchronized method");
        assertFalse(ConstantPool.callsOrLocks(bytes(Free.class), owners, spawnMethods));
        assertFalse(ConstantPool.callsOrLocks(bytes(NoLocks.class), owners, spawnMethods));
        assertFalse(ConstantPool.callsOrLocks(new byte[] {1, 2, 3}, owners, spawnMethods), "not a class file");
    }
}
