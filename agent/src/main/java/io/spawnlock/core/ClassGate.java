package io.spawnlock.core;

import io.spawnlock.agent.ConstantPool;
import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.guard.Privileged;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transformer of the agent's core: registered at premain when the agent starts there, else handed the
 * class loads by the launcher's early gate once the core has started. It holds a list of entries
 * ({@link ClassRewriter}), which the parts hand it as the core registers them, and knows nothing of what
 * they rewrite.
 *
 * <p>The agent's thread registers the parts while the application runs. A class load that must not run
 * unmeasured waits (bounded) until the entries are in: a JDK class named when the gate was made (the spawn
 * classes, the listening channel) until the gate is {@link #open}; an application class named by
 * {@code locks=} or {@code spawns=}, one that calls libjava's fork/exec, and, with discovery on, one that
 * calls a spawn entry point or takes a lock ({@link ConstantPool#callsOrLocks}), until the application
 * classes' entries are in ({@link #openApplicationClasses}). One release for all: a main class that spawns
 * at once does not wait a second time inside its first spawn. A class let through unchanged after the
 * bound, or loaded before its entry was in, is retransformed once the gate is open.
 */
final class ClassGate implements ClassFileTransformer {
    private static final long MAX_GATE_WAIT_SECONDS = 3;
    private static final ClassRewriter[] NONE = new ClassRewriter[0];

    private final AgentWarnings warnings;
    /** Internal names of the JDK classes held until the gate is open. */
    private final String[] heldJdkClasses;
    /** Internal names of the application classes named by {@code locks=} or {@code spawns=}: held until their rewriters are ready. */
    private final Set<String> heldApplicationClasses;
    /** {@code owner.name} of the spawning methods and their owners, for the load-time pass's hold (empty when discovery is off). */
    private final Set<String> spawnMethods;
    private final Set<String> spawnOwners;
    private final boolean loadTimePass;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private final ClassLoader agentLoader = ClassGate.class.getClassLoader();
    /** Counted down once the application classes' entries are in (or never will be). */
    private final CountDownLatch applicationReady = new CountDownLatch(1);
    /** Counted down once every entry is in and the parts listen (or never will). */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** The entries, in the order the parts were registered; replaced whole, by the agent thread only. */
    private volatile ClassRewriter[] jdkRewriters = NONE;
    private volatile ClassRewriter[] applicationRewriters = NONE;
    /** The classes loaded before the application classes' entries were in, for their catch-up; then null. */
    private Class<?>[] loadedBeforeApplicationRewriters;
    private volatile Thread preparingThread;
    private final Queue<String> held = new ConcurrentLinkedQueue<>();

    /**
     * @param heldJdkClasses internal names of the boot loader's classes whose loads wait for {@link #open}
     */
    ClassGate(AgentWarnings warnings, Set<String> heldJdkClasses, Set<String> heldApplicationClasses,
              Set<String> spawnOwners, Set<String> spawnMethods) {
        this.warnings = warnings;
        this.heldJdkClasses = heldJdkClasses.toArray(new String[0]);
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
        ConstantPool.flags(new byte[0], spawnOwners, spawnMethods);
        transform(null, "", null, null, null);
        transform(agentLoader, "", null, null, null);
        Privileged.call(new Rewrite(this, null, "", null, null, null)); // both loaded: a SecurityManager may come
    }

    /** Names the agent's thread, which registers the parts: the gate must never make it wait for itself. */
    void preparedBy(Thread thread) {
        preparingThread = thread;
    }

    /** Adds a part's entry, after those added before; on the agent thread, while the parts are registered. */
    void add(ClassRewriter rewriter) {
        if (rewriter.rewritesApplicationClasses()) {
            applicationRewriters = append(applicationRewriters, rewriter);
        } else {
            jdkRewriters = append(jdkRewriters, rewriter);
        }
    }

    private static ClassRewriter[] append(ClassRewriter[] to, ClassRewriter r) {
        ClassRewriter[] more = Arrays.copyOf(to, to.length + 1);
        more[to.length] = r;
        return more;
    }

    /**
     * Every entry for application classes is in: lets their held loads through, and keeps the classes loaded
     * before, for {@link #catchUp}. Every later load goes through the entries.
     */
    void openApplicationClasses(Instrumentation inst) {
        loadedBeforeApplicationRewriters = inst.getAllLoadedClasses();
        applicationReady.countDown();
    }

    /** Every entry is in and every part listens: lets the held JDK class loads through. */
    void open() {
        applicationReady.countDown();
        settled.countDown();
    }

    /** Nothing can be measured after all: stop holding class loads and step aside. */
    void giveUp(Instrumentation inst) {
        inst.removeTransformer(this);
        open();
    }

    /**
     * Retransforms the classes that were loaded before their entries were in: the JDK classes an entry
     * rewrites, and the held application classes that got through after the bound.
     */
    void retransformWhatGotThrough(Instrumentation inst) {
        open(); // should the core not have opened the gate
        ClassRewriter[] jdk = jdkRewriters;
        boolean application = applicationRewriters.length > 0;
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String name = c.getName().replace('.', '/');
            if (c.getClassLoader() == null ? rewrites(jdk, name)
                    : application && heldApplicationClasses.contains(name)) {
                loaded.add(c);
            }
        }
        ClassRewrite.retransform(inst, loaded, warnings);
    }

    private static boolean rewrites(ClassRewriter[] jdk, String internalName) {
        for (ClassRewriter r : jdk) {
            if (r.rewritesJdkClass(internalName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The application-class entries' pass over the classes loaded before they were in, once: each class file
     * read once for all of them, each class that any of them now rewrites retransformed once.
     */
    void catchUp(Instrumentation inst) {
        Class<?>[] loaded = loadedBeforeApplicationRewriters;
        loadedBeforeApplicationRewriters = null;
        ClassRewriter[] entries = applicationRewriters;
        if (loaded == null || entries.length == 0) {
            return;
        }
        List<Class<?>> changed = new ArrayList<>();
        for (Class<?> c : loaded) {
            ClassLoader loader = c.getClassLoader();
            if (loader == null || loader == platformLoader || loader == agentLoader || c.isArray() || c.isPrimitive()) {
                continue;
            }
            String name = c.getName().replace('.', '/');
            byte[] classFile = ClassRewrite.classFile(loader, name);
            boolean rewritten = false;
            for (ClassRewriter r : entries) {
                rewritten |= r.caughtUp(loader, name, classFile); // each one: a pass may learn from the class
            }
            if (rewritten) {
                changed.add(c);
            }
        }
        ClassRewrite.retransform(inst, changed, warnings);
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
            ClassRewriter[] entries;
            int flags = 0;
            if (loader != null) {
                boolean application = loader != agentLoader && loader != platformLoader;
                // the constant pool read once, for the hold and for every entry
                flags = application && classfileBuffer != null
                        ? ConstantPool.flags(classfileBuffer, spawnOwners, spawnMethods) : 0;
                if (applicationReady.getCount() > 0 && holds(className, classBeingRedefined, application, flags)) {
                    await(applicationReady, className);
                }
                entries = applicationRewriters;
            } else {
                // every class load of the JVM passes here: compare names, load nothing
                if (isHeldJdkClass(className) && settled.getCount() > 0) {
                    await(settled, className);
                }
                entries = jdkRewriters;
            }
            byte[] bytes = classfileBuffer;
            byte[] rewritten = null;
            for (ClassRewriter r : entries) {
                if (loader == null && !r.rewritesJdkClass(className)) {
                    continue;
                }
                byte[] b = r.rewrite(loader, className, classBeingRedefined, bytes, flags);
                if (b != null) {
                    bytes = b;
                    rewritten = b;
                }
            }
            return rewritten;
        } catch (Throwable t) {
            warnings.warnOnce("transform " + className, "cannot rewrite " + className + " ("
                    + AgentWarnings.describe(t) + "); it is not measured");
            return null;
        }
    }

    private boolean isHeldJdkClass(String className) {
        for (String name : heldJdkClasses) {
            if (name.equals(className)) {
                return true;
            }
        }
        return false;
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
