package io.spawnlock.locks;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.core.AgentWarnings;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Rewrites the application classes that acquire spawn locks. Like the spawn gate, it is called for every
 * class load, so its path for other classes is one map lookup that loads nothing.
 */
final class LockClassTransformer implements ClassFileTransformer {
    private final SpawnLocks locks;
    private final AgentWarnings warnings;

    LockClassTransformer(SpawnLocks locks, AgentWarnings warnings) {
        this.locks = locks;
        this.warnings = warnings;
        transform(getClass().getClassLoader(), "", null, null, null); // resolve the fast path before registration
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader == null || className == null) {
            return null;
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
}
