package io.spawnlock.spawn;

import io.spawnlock.bytecode.ClassRewrite;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.isArray;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Rewrites the two JDK classes of the spawn path: advice inlined into {@code ProcessBuilder.start}, the
 * native call bracketed in {@code ProcessImpl}'s constructor.
 *
 * <p>Both classes are rewritten once, ahead of time, from the boot loader's own class files: the first
 * spawn then pays an array comparison instead of ByteBuddy's work inside its measured {@code start()}.
 */
public final class SpawnClassRewriter {
    private final ForkAndExecTiming forkAndExecTiming = new ForkAndExecTiming();
    /** internal name -> {original, rewritten} */
    private final Map<String, byte[][]> prepared = new ConcurrentHashMap<>();

    /** Rewrites both classes from the running JDK's class files; throws if this JDK's classes do not fit. */
    public void prepare() {
        for (String name : new String[] {SpawnClasses.PROCESS_BUILDER, SpawnClasses.PROCESS_IMPL}) {
            byte[] original;
            try {
                original = ClassFileLocator.ForClassLoader.ofBootLoader().locate(name.replace('/', '.')).resolve();
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the class file of " + name, e);
            }
            byte[] rewritten = rewrite(name, original);
            if (Arrays.equals(original, rewritten)) {
                throw new IllegalStateException(name.replace('/', '.') + " has no method we know how to time"
                        + " (ProcessBuilder.start(Redirect[]), a forkAndExec call in ProcessImpl's constructor)");
            }
            prepared.put(name, new byte[][] {original, rewritten});
        }
    }

    /** The rewritten class, or the prepared result when {@code original} is the class file we prepared from. */
    public byte[] transform(String internalName, byte[] original) {
        byte[][] ready = prepared.get(internalName);
        if (ready != null && Arrays.equals(ready[0], original)) {
            return ready[1];
        }
        return rewrite(internalName, original);
    }

    private byte[] rewrite(String internalName, byte[] original) {
        AsmVisitorWrapper visitor;
        if (SpawnClasses.PROCESS_BUILDER.equals(internalName)) {
            ClassLoader agentLoader = SpawnClassRewriter.class.getClassLoader();
            visitor = Advice.to(ProcessBuilderStartAdvice.class, ClassFileLocator.ForClassLoader.of(agentLoader))
                    .on(named("start").and(takesArguments(1)).and(takesArgument(0, isArray())));
        } else {
            visitor = new AsmVisitorWrapper.ForDeclaredMethods().invokable(isConstructor(), forkAndExecTiming);
        }
        return ClassRewrite.apply(internalName.replace('/', '.'), original, ClassFileLocator.ForClassLoader.ofBootLoader(),
                visitor);
    }
}
