package io.spawnlock.locks;

import io.spawnlock.agent.ConstantPool;
import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.guard.AgentWarnings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.ModifierAdjustment;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.SynchronizationState;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Rewrites the application classes that acquire spawn locks. The class gate hands it every application
 * class load. A class named by the {@code locks=} option is resolved against its bytes as it loads; with
 * discovery on, a class that may spawn or lock ({@link ConstantPool}) is read by the load-time pass
 * ({@link LoadTimeScan}). Either way its sites are measured from their first acquisition. For other
 * classes the path is a constant-pool walk and a map lookup that load nothing.
 */
public final class LockClassTransformer implements ClassRewriter {
    private final SpawnLocks locks;
    private final ConfiguredSites configured;
    private final SpawnCalls spawnCalls;
    private final LoadTimeScan loadTime;
    private final AgentWarnings warnings;
    private final Consumer<String> notes;

    /**
     * @param configuredSites the {@code locks=} option's sites (may be empty)
     * @param spawnCalls      the spawning methods, for the load-time pass; null when discovery is off
     * @param notes           where to write what was found (the log's comments)
     */
    public LockClassTransformer(SpawnLocks locks, List<String> configuredSites, SpawnCalls spawnCalls,
                                AgentWarnings warnings, Consumer<String> notes) {
        this.locks = locks;
        this.configured = new ConfiguredSites(configuredSites);
        this.spawnCalls = spawnCalls;
        this.loadTime = spawnCalls == null ? null : new LoadTimeScan(spawnCalls);
        this.warnings = warnings;
        this.notes = notes;
        rewrite(getClass().getClassLoader(), "", null, null, 0); // resolve the fast path before use
    }

    /**
     * The load-time pass over a class loaded before this transformer was ready, from its class file as its
     * loader serves it; whether the class now has spawn locks and is to be retransformed. A method of it
     * already running stays as it was until it is called again.
     */
    @Override
    public boolean caughtUp(ClassLoader loader, String internalName, byte[] classFile) {
        return loadTime != null && classFile != null && isApplication(loader, internalName)
                && learnAtLoad(loader, internalName, classFile);
    }

    /**
     * Whether a class is the application's: not the JDK's (boot or platform loader, or a JDK package in any
     * loader), not the agent's own (its isolated loader's, or its launcher's in the application's loader).
     * The JDK's locks are not the application's to measure, as in discovery.
     */
    private boolean isApplication(ClassLoader loader, String internalName) {
        return loader != null && loader != ClassLoader.getPlatformClassLoader() && loader != getClass().getClassLoader()
                && LoadTimeScan.isApplication(internalName) && !internalName.startsWith(LAUNCHER_PACKAGE);
    }

    /** The agent's launcher, loaded by the application's loader from the agent jar's top level. */
    private static final String LAUNCHER_PACKAGE = ConstantPool.class.getPackage().getName().replace('.', '/') + "/";

    /** The load-time pass over one class; whether it found spawn locks in it. */
    private boolean learnAtLoad(ClassLoader loader, String className, byte[] classFile) {
        return learnAtLoad(loader, className, classFile,
                ConstantPool.callsOrLocks(classFile, spawnCalls.owners(), spawnCalls.names()));
    }

    /** The same, for a class whose constant pool was read already: whether it calls a spawning method or locks. */
    private boolean learnAtLoad(ClassLoader loader, String className, byte[] classFile, boolean callsOrLocks) {
        if (!callsOrLocks) {
            return false;
        }
        boolean here = false;
        try {
            for (LoadTimeScan.Finding f : loadTime.scan(loader, classFile)) {
                if (locks.add(f.internalClassName, f.kind, f.key, f.lock)) {
                    here |= f.internalClassName.equals(className);
                    notes.accept(SpawnLocks.found(f.lock, f.kind, f.where) + " (as the class loaded)");
                }
            }
        } catch (RuntimeException e) {
            warnings.warnOnce("lock-scan " + className, "cannot read the locks of " + className.replace('/', '.')
                    + " as it loads (" + AgentWarnings.describe(e) + "); discovery may still find them");
        }
        return here;
    }


    @Override
    public boolean rewritesApplicationClasses() {
        return true;
    }

    @Override
    public byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile,
                          int poolFlags) {
        return transform(loader, className, classBeingRedefined, classFile, (poolFlags & CALLS_OR_LOCKS) != 0);
    }

    /**
     * The rewrite, for the class gate, which has read the class's constant pool once for every rewriter:
     * {@code callsOrLocks} is {@link ConstantPool#callsOrLocks} of it, with the spawning methods known now.
     */
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classfileBuffer,
                            boolean callsOrLocks) {
        if (loader == null || className == null) {
            return null;
        }
        if (configured.covers(className)) {
            resolveConfigured(className, classfileBuffer);
        }
        if (loadTime != null && classBeingRedefined == null && classfileBuffer != null && isApplication(loader, className)) {
            learnAtLoad(loader, className, classfileBuffer, callsOrLocks);
        }
        ClassLocks classLocks = locks.locksIn(className);
        if (classLocks == null) {
            return null;
        }
        try {
            if (classBeingRedefined == null) {
                classLocks = asBlocksAtFirstLoad(className, classLocks, classfileBuffer);
            }
            Map<String, Integer> asBlocks = classLocks.get(ClassLocks.Kind.SYNCHRONIZED_AS_BLOCK);
            List<Map.Entry<String, Integer>> advised = new ArrayList<>();
            for (Map.Entry<String, Integer> m : classLocks.get(ClassLocks.Kind.SYNCHRONIZED_METHOD).entrySet()) {
                if (!asBlocks.containsKey(m.getKey())) {
                    advised.add(m);
                }
            }
            LockSiteRewriter rewriter = new LockSiteRewriter(classLocks);
            byte[] rewritten = advised.isEmpty() ? withAsm(classfileBuffer, rewriter, asBlocks)
                    : withAdvice(loader, className, classfileBuffer, rewriter, asBlocks, advised);
            return rewriter.sites() == 0 && advised.isEmpty() && asBlocks.isEmpty() ? null : rewritten;
        } catch (Throwable t) {
            warnings.warnOnce("lock-rewrite " + className, "spawn locks in " + className.replace('/', '.')
                    + " are not measured: rewriting it failed (" + AgentWarnings.describe(t) + ")");
            return null;
        }
    }

    /**
     * The rewrite with ByteBuddy's bundled ASM alone, as every class's first load needs: no type pool, no
     * advice, so a class held for the lock rewriter early in start-up does not wait for ByteBuddy's
     * machinery to load. The frames are passed through as they are; the visitors add none but the block's
     * handler frame, and keep the max stack right themselves.
     */
    private static byte[] withAsm(byte[] classFile, LockSiteRewriter rewriter, Map<String, Integer> asBlocks) {
        return ClassRewrite.withAsm(classFile, new ClassRewrite.MethodRewrite() {
            @Override
            public int access(String name, String descriptor, int access) {
                return asBlocks.containsKey(name + descriptor) ? access & ~Opcodes.ACC_SYNCHRONIZED : access;
            }

            @Override
            public MethodVisitor wrap(String owner, int access, String name, String descriptor, MethodVisitor mv) {
                Integer block = asBlocks.get(name + descriptor);
                if (block != null) { // after the site rewriter: it sees the method's own code only
                    mv = new SynchronizedToBlock(block).wrap(owner, (access & Opcodes.ACC_STATIC) != 0, false, mv);
                }
                return rewriter.wrap(owner, name, mv);
            }
        });
    }

    /** The rewrite of a class with synchronized methods found late, which keep their modifier: ByteBuddy's advice. */
    private byte[] withAdvice(ClassLoader loader, String className, byte[] classFile, LockSiteRewriter rewriter,
                              Map<String, Integer> asBlocks, List<Map.Entry<String, Integer>> advised) {
        List<AsmVisitorWrapper> visitors = new ArrayList<>();
        for (Map.Entry<String, Integer> m : asBlocks.entrySet()) {
            visitors.add(new ModifierAdjustment().withMethodModifiers(method(m.getKey()), SynchronizationState.PLAIN));
            visitors.add(new AsmVisitorWrapper.ForDeclaredMethods()
                    .invokable(method(m.getKey()), new SynchronizedToBlock(m.getValue())));
        }
        for (Map.Entry<String, Integer> m : advised) {
            visitors.add(Advice.withCustomMapping()
                    .bind(SynchronizedMethodAdvice.LockId.class, m.getValue())
                    .to(SynchronizedMethodAdvice.class, ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()))
                    .on(method(m.getKey())));
        }
        // last, so outermost: the site rewriter sees the class's own code, not the blocks' or the advice's
        visitors.add(new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(), rewriter));
        return ClassRewrite.apply(className.replace('/', '.'), classFile, ClassFileLocator.ForClassLoader.of(loader),
                visitors.toArray(new AsmVisitorWrapper[0]));
    }

    /**
     * At a class's first load, its spawning synchronized methods become blocks ({@link SynchronizedToBlock}),
     * so their waits are timed for every caller; recorded, so every later rewrite does the same. Class files
     * older than Java 6 carry no stack map frames, and keep the advice.
     */
    private ClassLocks asBlocksAtFirstLoad(String className, ClassLocks classLocks, byte[] classFile) {
        if (classFile.length < 8 || (((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF)) < Opcodes.V1_6) {
            return classLocks;
        }
        for (Map.Entry<String, Integer> m : classLocks.get(ClassLocks.Kind.SYNCHRONIZED_METHOD).entrySet()) {
            locks.add(className, ClassLocks.Kind.SYNCHRONIZED_AS_BLOCK, m.getKey(), locks.name(m.getValue()));
        }
        return locks.locksIn(className);
    }

    private static ElementMatcher.Junction<MethodDescription> method(String nameAndDescriptor) {
        int paren = nameAndDescriptor.indexOf('(');
        return named(nameAndDescriptor.substring(0, paren)).and(hasDescriptor(nameAndDescriptor.substring(paren)));
    }

    private void resolveConfigured(String className, byte[] classfileBuffer) {
        try {
            List<String> problems = new ArrayList<>();
            for (ConfiguredSites.Found f : configured.resolve(className, classfileBuffer, problems)) {
                if (locks.addConfigured(className, f)) {
                    notes.accept("spawn lock " + f.lock + (f.kind == ClassLocks.Kind.SYNCHRONIZED_METHOD
                            ? " (synchronized method)" : "") + " configured as locks=" + f.site);
                }
            }
            for (String problem : problems) {
                warnings.warnOnce(problem, problem);
            }
        } catch (RuntimeException e) {
            warnings.warnOnce("locks " + className, "locks: cannot read the lock sites of " + className.replace('/', '.')
                    + " (" + AgentWarnings.describe(e) + ")");
        }
    }
}
