package io.spawnlock.spawn;

import io.spawnlock.probe.SpawnProbe;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ProcessBuilder.start(Redirect[])}, which {@code start()}, {@code Runtime.exec} and
 * {@code startPipeline} all go through. The copied bytecode runs in java.base, so it may only name the
 * boot-side probe. {@code suppress} keeps any probe failure away from the application.
 */
final class ProcessBuilderStartAdvice {
    private ProcessBuilderStartAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
        return SpawnProbe.spawnBegin();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long startNanos, @Advice.Thrown Throwable thrown, @Advice.This Object builder,
                     @Advice.Return Object process) {
        SpawnProbe.spawnEnd(startNanos, thrown, builder, process);
    }
}
