package io.spawnlock.core;

import io.spawnlock.accept.AcceptClassRewriter;
import io.spawnlock.agent.ConstantPool;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.guard.Privileged;
import io.spawnlock.locks.LockClassTransformer;
import io.spawnlock.spawn.EntryPoints;
import io.spawnlock.spawn.SpawnClassRewriter;
import io.spawnlock.spawn.SpawnClasses;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transformer of the agent's core: registered at premain when the agent starts there, else handed the
 * class loads by the launcher's early gate once the core has started.
 *
 * <p>The agent's thread prepares the rewriters while the application runs. A class load that must not run
 * unmeasured waits (bounded) until all of them are ready and the spawn recorder listens, then goes through
 * them: {@code ProcessBuilder}, {@code ProcessImpl} and the listening channel; an application class named
 * by {@code locks=} or {@code spawns=}, one that calls libjava's fork/exec ({@link EntryPoints}), and, with
 * discovery on, one that calls a spawn entry point or takes a lock ({@link ConstantPool#callsOrLocks}). One
 * release for all: a main class that spawns at once does not wait a second time inside its first spawn.
 * A class let through unchanged after the bound is retransformed once the rewriters are ready.
 */
final class ClassGate implements ClassFileTransformer {
    private static final long MAX_GATE_WAIT_SECONDS = 3;

    private final AgentWarnings warnings;
    /** Internal names of the application classes named by {@code locks=} or {@code spawns=}: held until their rewriters are ready. */
    private final Set<String> heldApplicationClasses;
    /** {@code owner.name} of the spawning methods and their owners, for the load-time pass's hold (empty when discovery is off). */
    private final Set<String> spawnMethods;
    private final Set<String> spawnOwners;
    private final boolean loadTimePass;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    /**
     * Counted down once every rewriter is ready and the spawn recorder listens (or never will): one release
     * for all held loads, so a class that spawns at once does not wait again inside its first spawn.
     */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** Whether the JDK's listening channel is to be rewritten (option {@code accept}). */
    private final boolean accepts;
    private volatile SpawnClassRewriter spawnRewriter;
    private volatile AcceptClassRewriter acceptRewriter;
    private volatile LockClassTransformer lockRewriter;
    private volatile EntryPoints entryPoints;
    private volatile Thread preparingThread;
    private final Queue<String> held = new ConcurrentLinkedQueue<>();

    ClassGate(AgentWarnings warnings, Set<String> heldApplicationClasses, Set<String> spawnOwners,
              Set<String> spawnMethods, boolean accepts) {
        this.warnings = warnings;
        this.accepts = accepts;
        this.heldApplicationClasses = heldApplicationClasses;
        this.spawnMethods = spawnMethods;
        this.spawnOwners = spawnOwners;
        this.loadTimePass = !spawnMethods.isEmpty();
    }

    /**
     * Registers the gate; cheap, so it can run before {@code main}.
     *
     * <p>The JVM calls a transformer for every class any thread loads, sometimes while that thread holds a
     * lock (a jar file's, a class loader's). If the gate's path for other classes loaded a class of ours
     * from the agent jar, two threads could each wait for the other's lock. So that path only compares
     * names, and everything it touches is resolved here, once, before it is registered.
     */
    void register(Instrumentation inst) {
        resolve();
        inst.addTransformer(this, true);
    }

    /** What {@link #register} does before registering; for a gate that another transformer passes class loads to. */
    void resolve() {
        SpawnClasses.isTarget(""); // outside transform's catch: if this cannot load, the agent does not start
        ConstantPool.flags(new byte[0], spawnOwners, spawnMethods);
        transform(null, "", null, null, null);
        transform(ClassGate.class.getClassLoader(), "", null, null, null);
        Privileged.call(new Rewrite(this, null, "", null, null, null)); // both loaded: a SecurityManager may come
    }

    /** Names the agent's thread, which prepares the rewriters: the gate must never make it wait for itself. */
    void preparedBy(Thread thread) {
        preparingThread = thread;
    }

    /** Makes the application's methods that spawn without ProcessBuilder spawns; call before {@link #prepareSpawnRewriter}. */
    void rewriteSpawnEntriesWith(EntryPoints rewriter) {
        entryPoints = rewriter;
    }

    /** Hands application classes to {@code rewriter} from now on. */
    void rewriteApplicationClassesWith(LockClassTransformer rewriter) {
        lockRewriter = rewriter;
    }

    /** Rewrites the JDK's listening channel with {@code rewriter}; call before {@link #prepareSpawnRewriter}. */
    void rewriteAcceptsWith(AcceptClassRewriter rewriter) {
        acceptRewriter = rewriter;
    }

    /** Nothing can be measured after all: stop holding class loads and step aside. */
    void giveUp(Instrumentation inst) {
        inst.removeTransformer(this);
        settled.countDown();
    }

    /**
     * Rewrites the spawn classes (ByteBuddy's bundled ASM alone, a few milliseconds) and lets the held spawn
     * and channel class loads through; on the agent's thread, once their probes' listeners are set.
     */
    void prepareSpawnRewriter() {
        try {
            SpawnClassRewriter r = new SpawnClassRewriter();
            r.prepare();
            spawnRewriter = r;
        } catch (Throwable t) {
            warnings.warnOnce("spawn-instrumentation", "spawns are not measured: this JDK's spawn path could not be"
                    + " instrumented (" + AgentWarnings.describe(t) + ")");
        } finally {
            settled.countDown();
        }
    }

    /** Retransforms the classes this gate rewrites that were loaded before it had their rewriters. */
    void retransformWhatGotThrough(Instrumentation inst) {
        settled.countDown(); // should the spawn rewriter never have been prepared
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String name = c.getName().replace('.', '/');
            boolean spawnClass = c.getClassLoader() == null && spawnRewriter != null && SpawnClasses.isTarget(name);
            boolean acceptClass = c.getClassLoader() == null && acceptRewriter != null
                    && AcceptClassRewriter.SERVER_CHANNEL.equals(name);
            boolean lockClass = c.getClassLoader() != null && (lockRewriter != null || entryPoints != null)
                    && heldApplicationClasses.contains(name);
            if (spawnClass || acceptClass || lockClass) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                warnings.warnOnce("retransform " + c.getName(), c.getName() + " is not measured: retransforming it"
                        + " failed (" + AgentWarnings.describe(t) + ")");
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader != null && Privileged.needed()) { // on the thread loading the class: with the agent's permissions
            return Privileged.call(new Rewrite(this, loader, className, classBeingRedefined, protectionDomain,
                    classfileBuffer));
        }
        return rewrite(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    /** One rewrite as a plain class, loaded with the gate: no lambda is spun while a class loads. */
    private static final class Rewrite implements java.util.function.Supplier<byte[]> {
        private final ClassGate gate;
        private final ClassLoader loader;
        private final String className;
        private final Class<?> classBeingRedefined;
        private final ProtectionDomain protectionDomain;
        private final byte[] classfileBuffer;

        Rewrite(ClassGate gate, ClassLoader loader, String className, Class<?> classBeingRedefined,
                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            this.gate = gate;
            this.loader = loader;
            this.className = className;
            this.classBeingRedefined = classBeingRedefined;
            this.protectionDomain = protectionDomain;
            this.classfileBuffer = classfileBuffer;
        }

        @Override
        public byte[] get() {
            return gate.rewrite(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        }
    }

    private byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined,
                           ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            if (loader != null) {
                LockClassTransformer locks = lockRewriter;
                EntryPoints entries = entryPoints;
                boolean application = loader != ClassGate.class.getClassLoader() && loader != platformLoader;
                // the constant pool read once, for the hold and for both rewriters
                int flags = application && classfileBuffer != null
                        ? ConstantPool.flags(classfileBuffer, spawnOwners, spawnMethods) : 0;
                if ((locks == null || entries == null) && settled.getCount() > 0
                        && holds(className, classBeingRedefined, application, flags) && await(settled, className)) {
                    locks = lockRewriter;
                    entries = entryPoints;
                }
                byte[] spawning = entries == null ? null : entries.transform(loader, className, classBeingRedefined,
                        classfileBuffer, (flags & ConstantPool.NATIVE_SPAWN) != 0);
                byte[] bytes = spawning == null ? classfileBuffer : spawning;
                byte[] locked = locks == null ? null : locks.transform(loader, className, classBeingRedefined, bytes,
                        (flags & ConstantPool.CALLS_OR_LOCKS) != 0);
                return locked != null ? locked : spawning;
            }
            if (accepts && AcceptClassRewriter.SERVER_CHANNEL.equals(className)) { // a constant: loads nothing
                AcceptClassRewriter a = acceptRewriter;
                if (a == null && await(settled, className)) {
                    a = acceptRewriter;
                }
                return a == null ? null : a.transform(className, classfileBuffer);
            }
            if (!SpawnClasses.isTarget(className)) {
                return null; // every class load of the JVM passes here: compare names, load nothing
            }
            SpawnClassRewriter r = spawnRewriter;
            if (r == null && await(settled, className)) {
                r = spawnRewriter;
            }
            return r == null ? null : r.transform(className, classfileBuffer);
        } catch (Throwable t) {
            warnings.warnOnce("transform " + className, "cannot rewrite " + className + " ("
                    + AgentWarnings.describe(t) + "); it is not measured");
            return null;
        }
    }

    /**
     * Whether an application class load waits for the application-class rewriters: a class named by
     * {@code locks=} or {@code spawns=}, one that calls libjava's fork/exec, and, for the load-time pass, one
     * that calls a spawning method or takes a lock.
     */
    private boolean holds(String className, Class<?> classBeingRedefined, boolean application, int flags) {
        if (heldApplicationClasses.contains(className)) {
            return true;
        }
        if (classBeingRedefined != null || !application) {
            return false;
        }
        return (flags & (loadTimePass ? ConstantPool.CALLS_OR_LOCKS : ConstantPool.NATIVE_SPAWN)) != 0;
    }

    /**
     * Waits (bounded) for the agent thread to count {@code latch} down, and keeps how long the load of
     * {@code className} waited; false on that thread itself.
     */
    private boolean await(CountDownLatch latch, String className) {
        if (Thread.currentThread() == preparingThread) {
            return false;
        }
        if (latch.getCount() == 0) {
            return true;
        }
        long t0 = System.nanoTime();
        try {
            latch.await(MAX_GATE_WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            held.add(className + ' ' + (System.nanoTime() - t0));
        }
    }

    /** The class loads held here until their rewriters were ready, {@code "internal/Name nanos"} each. */
    Queue<String> held() {
        return held;
    }
}
