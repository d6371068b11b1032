package io.spawnlock.locks;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spawnlock.ClassFiles;
import io.spawnlock.bytecode.ClassRewrite;
import java.util.concurrent.locks.ReentrantLock;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

class LockSiteRewriterTest {
    /** A lock taken in a method and in a lambda body (a synthetic method javac adds to this class). */
    static final class LambdaLocks {
        private final ReentrantLock lock = new ReentrantLock();

        void direct() {
            lock.lock();
            try {
                Thread.yield();
            } finally {
                lock.unlock();
            }
        }

        Runnable inLambda() {
            return () -> {
                lock.lock();
                try {
                    Thread.yield();
                } finally {
                    lock.unlock();
                }
            };
        }
    }

    /** A synchronized block that begins with {@code new}, with a branch before the constructor call. */
    public static final class NewFirstInBlock {
        private static final Object LOCK = new Object();

        public static String make(boolean a) {
            synchronized (LOCK) {
                return new String(a ? "a" : "b");
            }
        }
    }

    @Test
    void aBlockThatBeginsWithNewStillVerifies() throws Exception {
        String name = NewFirstInBlock.class.getName();
        byte[] original = ClassFiles.of(NewFirstInBlock.class);
        LockSiteRewriter rewriter = new LockSiteRewriter(ClassLocks.NONE.with(ClassLocks.Kind.ACQUIRED,
                LockNames.fieldName(name.replace('.', '/'), "LOCK"), 0));
        byte[] rewritten = ClassRewrite.apply(name, original, ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()),
                new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(), rewriter));
        assertEquals(4, rewriter.sites()); // entering, entered, exited on the normal path and in the handler
        // defining, verifying and running it: a bad stack map frame fails here with a ClassFormatError
        Object made = ClassFiles.defineAlone(name, rewritten, getClass().getClassLoader())
                .getMethod("make", boolean.class).invoke(null, true);
        assertEquals("a", made);
    }

    @Test
    void lockCallsInLambdaBodiesAreRewrittenToo() throws Exception {
        String name = LambdaLocks.class.getName();
        byte[] original = ClassFiles.of(LambdaLocks.class);
        LockSiteRewriter rewriter = new LockSiteRewriter(ClassLocks.NONE.with(ClassLocks.Kind.ACQUIRED,
                LockNames.fieldName(name.replace('.', '/'), "lock"), 0));
        ClassRewrite.apply(name, original, ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()),
                new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(), rewriter));
        // per method: lock, unlock on the normal path, unlock in the exceptional path
        assertEquals(6, rewriter.sites());
    }
}
