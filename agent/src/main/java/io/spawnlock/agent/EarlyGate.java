package io.spawnlock.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What premain registers when the agent starts off the main thread: a transformer and a shutdown hook that
 * the agent takes over once it has started ({@link #accept}).
 *
 * <p>Until then the transformer holds a load of the JDK classes the agent rewrites (bounded), so that an
 * early spawn is still measured, and of an application class that calls a JDK spawn entry point or takes
 * a lock, so that the load-time pass reads it before it first runs; every other class passes at once. From then on it passes every class load
 * to the agent's class gate. The shutdown hook waits (bounded) for the start to end and then runs the
 * agent's own exit work, so even a JVM that is done before the agent has started leaves its log.
 *
 * <p>Loaded by the application class loader in premain, so it names no agent type but the constant-pool
 * reader (in the jar's top level too), which it loads before it is registered.
 */
final class EarlyGate implements ClassFileTransformer, BiConsumer<ClassFileTransformer, Runnable> {
    /** The JDK classes the agent rewrites: the spawn path (SpawnClasses) and the listening channel (accept). */
    static final String[] HELD = {"java/lang/ProcessBuilder", "java/lang/ProcessImpl", "sun/nio/ch/ServerSocketChannelImpl"};
    private static final long MAX_WAIT_SECONDS = 3;

    private final CountDownLatch started = new CountDownLatch(1);
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private volatile ClassFileTransformer classGate;
    private volatile Runnable atExit;
    private volatile Thread starter;

    EarlyGate() {
        ConstantPool.callsOrLocks(new byte[0], ConstantPool.SPAWN_OWNERS, ConstantPool.SPAWN_METHODS); // loaded now, never while a class loads
    }

    /** The thread that starts the agent: it must never wait for itself. */
    void startedBy(Thread thread) {
        starter = thread;
    }

    /** From the agent's start: its class gate, which sees every class load from now on, and its exit work. */
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
            try {
                started.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
            try {
                gate.started.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
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
