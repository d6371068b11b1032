package io.spawnlock.locks;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.core.AgentWarnings;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Rewrites the application classes that acquire spawn locks. The class gate hands it every application
 * class load, so its path for other classes is two map lookups that load nothing. A class named by the
 * {@code locks=} option is resolved against its bytes as it loads: its sites are measured from their
 * first acquisition.
 */
public final class LockClassTransformer implements ClassFileTransformer {
    private final SpawnLocks locks;
    private final ConfiguredSites configured;
    private final AgentWarnings warnings;
    private final Consumer<String> notes;

    /**
     * @param configuredSites the {@code locks=} option's sites (may be empty)
     * @param notes           where to write what was found (the log's comments)
     */
    public LockClassTransformer(SpawnLocks locks, List<String> configuredSites, AgentWarnings warnings,
                                Consumer<String> notes) {
        this.locks = locks;
        this.configured = new ConfiguredSites(configuredSites);
        this.warnings = warnings;
        this.notes = notes;
        transform(getClass().getClassLoader(), "", null, null, null); // resolve the fast path before use
    }


    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader == null || className == null) {
            return null;
        }
        if (configured.covers(className)) {
            resolveConfigured(className, classfileBuffer);
        }
        ClassLocks classLocks = locks.locksIn(className);
        if (classLocks == null) {
            return null;
        }
        try {
            ClassFileLocator context = ClassFileLocator.ForClassLoader.of(loader);
            LockSiteRewriter rewriter = new LockSiteRewriter(classLocks);
            List<AsmVisitorWrapper> visitors = new ArrayList<>();
            visitors.add(new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(), rewriter));
            Map<String, Integer> synchronizedMethods = classLocks.get(ClassLocks.Kind.SYNCHRONIZED_METHOD);
            for (Map.Entry<String, Integer> m : synchronizedMethods.entrySet()) {
                int paren = m.getKey().indexOf('(');
                visitors.add(Advice.withCustomMapping()
                        .bind(SynchronizedMethodAdvice.LockId.class, m.getValue())
                        .to(SynchronizedMethodAdvice.class, ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()))
                        .on(named(m.getKey().substring(0, paren)).and(hasDescriptor(m.getKey().substring(paren)))));
            }
            byte[] rewritten = ClassRewrite.apply(className.replace('/', '.'), classfileBuffer, context,
                    visitors.toArray(new AsmVisitorWrapper[0]));
            return rewriter.sites() == 0 && synchronizedMethods.isEmpty() ? null : rewritten;
        } catch (Throwable t) {
            warnings.warnOnce("lock-rewrite " + className, "spawn locks in " + className.replace('/', '.')
                    + " are not measured: rewriting it failed (" + AgentWarnings.describe(t) + ")");
            return null;
        }
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
