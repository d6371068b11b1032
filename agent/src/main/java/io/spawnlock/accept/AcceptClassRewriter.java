package io.spawnlock.accept;

import io.spawnlock.bytecode.ClassRewrite;
import java.util.Arrays;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** Rewrites the JDK's listening NIO channel so that each {@code accept()} reaches {@link io.spawnlock.probe.AcceptProbe}. */
public final class AcceptClassRewriter {
    /** The class it rewrites; a compile-time constant, so the class gate compares it without loading this class. */
    public static final String SERVER_CHANNEL = "sun/nio/ch/ServerSocketChannelImpl";

    /** The class rewritten; throws if this JDK's class has no {@code accept()} to instrument. */
    public byte[] transform(String internalName, byte[] original) {
        ClassLoader agentLoader = AcceptClassRewriter.class.getClassLoader();
        byte[] rewritten = ClassRewrite.apply(internalName.replace('/', '.'), original,
                ClassFileLocator.ForClassLoader.ofBootLoader(),
                Advice.to(ServerChannelAcceptAdvice.class, ClassFileLocator.ForClassLoader.of(agentLoader))
                        .on(named("accept").and(takesArguments(0))));
        if (Arrays.equals(original, rewritten)) {
            throw new IllegalStateException(internalName.replace('/', '.') + " has no accept() we know how to measure");
        }
        return rewritten;
    }
}
