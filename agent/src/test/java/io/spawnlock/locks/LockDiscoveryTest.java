package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.probe.SpawnListener;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.Recording;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery at its boundary: a thread that spawns while it holds a monitor hands the call site over from
 * inside the spawn; the agent thread's pass then makes that monitor a spawn lock, names the class to
 * retransform, and keeps the JVM's name for the monitor's object (its class and identity hash, as the
 * JVM's thread dump prints it).
 */
class LockDiscoveryTest {
    private final Recording recording = new Recording();
    private final SpawnLocks locks = new SpawnLocks(recording);
    private final List<Class<?>> retransformed = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final Instrumentation inst = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                if (method.getName().equals("retransformClasses")) {
                    for (Object c : (Object[]) args[0]) {
                        retransformed.add((Class<?>) c);
                    }
                }
                return null;
            });
    private final LockDiscovery discovery = new LockDiscovery(locks, new SpawnCalls(List.of()), inst,
            new AgentWarnings(new PrintStream(said)), notes::add);

    /** Calls discovery from inside each spawn, as the spawn recorder does. */
    private final SpawnListener listener = new SpawnListener() {
        @Override
        public long nativeBegin() {
            return -1;
        }

        @Override
        public int nativeThreadId() {
            return -1;
        }

        @Override
        public void nativeEnd(long execNanos) {
        }

        @Override
        public void spawnFinished(long wall, long exec, boolean failed, Object builder, Object process) {
            discovery.onSpawn();
        }
    };

    @AfterEach
    void detach() {
        SpawnProbe.setListener(null);
    }

    /** A service's worker: a loop body that spawns under its pool's monitor, then stays in it a while. */
    public static final class Worker implements Runnable {
        public final Object monitor = new Object();
        private final CountDownLatch spawned;
        private final CountDownLatch leave;

        public Worker(CountDownLatch spawned, CountDownLatch leave) {
            this.spawned = spawned;
            this.leave = leave;
        }

        @Override
        public void run() {
            synchronized (monitor) {
                launch();
                spawned.countDown();
                try {
                    leave.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** An entry point that spawns (the probe's calls as the rewrite places them). */
        void launch() {
            SpawnProbe.spawnBegin(null);
            SpawnProbe.spawnReturned(null);
        }
    }

    /**
     * {@link Worker} as an application's class: defined by a loader of its own (discovery leaves the agent's
     * loader's classes alone, and in this test that loader is the test's), everything else from the parent.
     */
    private static Class<?> workerOfTheApplication() throws ClassNotFoundException {
        ClassLoader parent = LockDiscoveryTest.class.getClassLoader();
        return new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(Worker.class.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        try (java.io.InputStream in = parent.getResourceAsStream(name.replace('.', '/') + ".class")) {
                            byte[] b = in.readAllBytes();
                            c = defineClass(name, b, 0, b.length);
                        } catch (java.io.IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    return c;
                }
            }

            Class<?> worker() throws ClassNotFoundException {
                return loadClass(Worker.class.getName());
            }
        }.worker();
    }

    private static Runnable worker(Class<?> type, CountDownLatch spawned, CountDownLatch leave) throws Exception {
        return (Runnable) type.getConstructor(CountDownLatch.class, CountDownLatch.class).newInstance(spawned, leave);
    }

    @Test
    void aMonitorHeldAroundASpawnBecomesASpawnLockWithTheJvmsNameForIt() throws Exception {
        SpawnProbe.setListener(listener);
        Class<?> type = workerOfTheApplication();
        CountDownLatch spawned = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Runnable w = worker(type, spawned, leave);
        Thread t = new Thread(w, "worker");
        t.start();
        assertTrue(spawned.await(10, TimeUnit.SECONDS));
        assertEquals(0, locks.count(), "nothing is analysed on the spawning thread");
        discovery.processPending(); // the agent thread's pass, while the worker still holds the monitor
        leave.countDown();
        t.join(10_000);

        assertEquals(1, locks.count(), "one spawn lock: " + notes + said);
        String name = locks.name(0);
        assertTrue(name.startsWith(Worker.class.getName()) && name.contains("monitor"), name);
        assertEquals(List.of(type), retransformed, "the class that takes it, to be rewritten");
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains(Worker.class.getName() + "#run line "), notes.get(0));
        Object monitor = type.getField("monitor").get(w);
        String jvmName = monitor.getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(monitor));
        assertEquals(jvmName, locks.jvmIdentity(0), "the JVM's name for the monitor's object");

        // the same site again: nothing new, nothing retransformed
        CountDownLatch open = new CountDownLatch(0);
        worker(type, new CountDownLatch(1), open).run();
        discovery.processPending();
        assertEquals(1, locks.count());
        assertEquals(1, retransformed.size());
        assertEquals("", said.toString(), "nothing to warn");
    }
}
