package io.spawnlock.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What premain registers when the agent starts off the main thread: a transformer and a shutdown hook that
 * the agent takes over once it has started ({@link #accept}).
 *
 * <p>The agent starts only when there is something to measure: at the first load of a JDK class it rewrites
 * (the spawn path, the listening channel), or of an application class that calls a spawn entry point or
 * takes a lock; or when asked (its dump signal, a command); or, at the latest, {@link #START_AFTER_MILLIS}
 * after premain, for a JVM that lives on. A JVM that ends before any of these (a short CLI that never
 * spawns) pays only this class and its transformer: no thread of the agent's works, no log is written,
 * and its exit does not wait.
 *
 * <p>Until the start is over the transformer holds the class load that triggered it (bounded), so that an
 * early spawn is still measured and the load-time pass reads an early class before it first runs; every
 * other class passes at once. From then on it passes every class load to the agent's class gate. The
 * shutdown hook of a JVM whose agent has begun to start waits (bounded) for the start to end and then runs
 * the agent's own exit work, so even a JVM that is done before the agent has started leaves its log.
 *
 * <p>Loaded by the application class loader in premain, so it names no agent type but the constant-pool
 * reader (in the jar's top level too), which it loads before it is registered.
 */
final class EarlyGate implements ClassFileTransformer, BiConsumer<ClassFileTransformer, Runnable> {
    /** The JDK classes the agent rewrites: the spawn path (SpawnClasses) and the listening channel (accept). */
    static final String[] HELD = {"java/lang/ProcessBuilder", "java/lang/ProcessImpl", "sun/nio/ch/ServerSocketChannelImpl"};
    /** How long after premain a JVM that has given no reason yet starts the agent anyway. */
    static final long START_AFTER_MILLIS = 1000;
    private static final long MAX_WAIT_SECONDS = 3;
    private static final int IDLE = 0;
    private static final int STARTING = 1;
    /** The JVM exits before anything asked for the agent: it never starts. */
    private static final int NEVER = 2;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch triggered = new CountDownLatch(1);
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private volatile ClassFileTransformer classGate;
    private volatile Runnable atExit;
    private volatile Thread starter;
    /** Each class load held here, as {@code "internal/Name nanos"}: what the agent's start added to it. */
    private final Queue<String> held = new ConcurrentLinkedQueue<>();

    EarlyGate() {
        ConstantPool.callsOrLocks(new byte[0], ConstantPool.SPAWN_OWNERS, ConstantPool.SPAWN_METHODS); // loaded now, never while a class loads
    }

    /**
     * Starts the thread that will run {@code start} (which hands the gate over with {@link #accept}) when
     * the gate is triggered, or after {@link #START_AFTER_MILLIS}; it sleeps until then.
     */
    void arm(Runnable start) {
        Thread t = new Thread(new Starter(this, start), "spawnlock-start"); // no lambda: see Launcher.premain
        t.setDaemon(true);
        starter = t;
        t.start();
    }

    private static final class Starter implements Runnable {
        private final EarlyGate gate;
        private final Runnable start;

        Starter(EarlyGate gate, Runnable start) {
            this.gate = gate;
            this.start = start;
        }

        @Override
        public void run() {
            try {
                gate.triggered.await(START_AFTER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (gate.state.compareAndSet(IDLE, STARTING) || gate.state.get() == STARTING) {
                try {
                    start.run();
                } finally {
                    gate.startEnded();
                }
            }
        }
    }

    /** Something to measure, or a request: start now (once; nothing if the JVM is already exiting). */
    void trigger() {
        if (state.compareAndSet(IDLE, STARTING)) {
            triggered.countDown();
        }
    }

    /** The class loads held until the agent's class gate was there, {@code "internal/Name nanos"} each. */
    Queue<String> held() {
        return held;
    }

    /** Waits (bounded) for a triggered start to end. */
    void awaitStart() throws InterruptedException {
        if (state.get() == STARTING) {
            started.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * From the agent's start: its class gate, which sees every class load from now on, and its exit work
     * (null when the agent runs that after the application's own shutdown hooks itself).
     */
    @Override
    public void accept(ClassFileTransformer gate, Runnable exitWork) {
        atExit = exitWork;
        classGate = gate;
        started.countDown();
    }

    /** The shutdown hook to register in premain. */
    Thread exitHook() {
        return new ExitHook(this);
    }

    /** The start is over, whether or not it handed a gate over (a bad option, say): nobody waits any more. */
    void startEnded() {
        started.countDown();
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        ClassFileTransformer gate = classGate;
        if (gate == null && Thread.currentThread() != starter && (loader == null ? isHeld(className)
                : loader != platformLoader && classBeingRedefined == null
                && ConstantPool.callsOrLocks(classfileBuffer, ConstantPool.SPAWN_OWNERS, ConstantPool.SPAWN_METHODS))) {
            trigger();
            long t0 = System.nanoTime();
            try {
                awaitStart();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.add(className + ' ' + (System.nanoTime() - t0));
            gate = classGate;
        }
        if (gate == null) {
            return null;
        }
        try {
            return gate.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) { // the class gate catches its own; nothing may reach the class being loaded
            return null;
        }
    }

    private static final class ExitHook extends Thread {
        private final EarlyGate gate;

        ExitHook(EarlyGate gate) {
            super("spawnlock-shutdown");
            this.gate = gate;
        }

        @Override
        public void run() {
            if (gate.state.compareAndSet(IDLE, NEVER)) {
                return; // nothing asked for the agent: nothing to record, nothing to wait for
            }
            try {
                gate.awaitStart();
            } catch (InterruptedException e) {
                return;
            }
            Runnable work = gate.atExit;
            if (work != null) {
                work.run();
            }
        }
    }

    private static boolean isHeld(String className) {
        for (String held : HELD) {
            if (held.equals(className)) {
                return true;
            }
        }
        return false;
    }
}
