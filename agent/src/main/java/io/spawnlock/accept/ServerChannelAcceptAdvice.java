package io.spawnlock.accept;

import io.spawnlock.probe.AcceptProbe;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.nio.ch.ServerSocketChannelImpl.accept()}: on its normal return, the probe hears
 * the channel and whether a connection came back. The copied bytecode runs in java.base, so it may only
 * name the boot-side probe; {@code suppress} keeps any probe failure away from the application.
 */
final class ServerChannelAcceptAdvice {
    private ServerChannelAcceptAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return Object accepted) {
        AcceptProbe.acceptReturned(channel, accepted);
    }
}
