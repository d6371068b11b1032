package io.spawnlock.locks;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.core.AgentWarnings;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.any;

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
        Map<String, Integer> ids = locks.locksIn(className);
        if (ids == null) {
            return null;
        }
        try {
            LockSiteRewriter rewriter = new LockSiteRewriter(ids);
            byte[] rewritten = ClassRewrite.apply(className.replace('/', '.'), classfileBuffer,
                    ClassFileLocator.ForClassLoader.of(loader),
                    new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(), rewriter));
            return rewriter.sites() == 0 ? null : rewritten;
        } catch (Throwable t) {
            warnings.warnOnce("lock-rewrite " + className, "spawn locks in " + className.replace('/', '.')
                    + " are not measured: rewriting it failed (" + AgentWarnings.describe(t) + ")");
            return null;
        }
    }
}
