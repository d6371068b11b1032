package io.spawnlock.locks;

import io.spawnlock.probe.LockProbe;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a synchronized method that is a spawn lock: the monitor is held from the first instruction
 * to the return, normal or exceptional. The lock id is bound as a constant per method.
 */
final class SynchronizedMethodAdvice {
    /** The spawn lock id, bound with {@code Advice.withCustomMapping()}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface LockId {
    }

    private SynchronizedMethodAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@LockId int id) {
        LockProbe.synchronizedMethodEntered(id);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@LockId int id) {
        LockProbe.monitorExited(id);
    }
}
