package io.spawnlock.spawn;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.capability.ClassRewriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the two JDK classes of the spawn path: {@code ProcessBuilder.start(Redirect[])} made a spawn
 * ({@link SpawnBracket}, the builder as what its command is read from), the native call bracketed in
 * {@code ProcessImpl}'s constructor ({@link ExecBracket}).
 *
 * <p>Both classes are rewritten once, ahead of time, from java.base's own class files, with ByteBuddy's
 * bundled ASM alone: a few milliseconds, nothing of ByteBuddy's machinery loaded. The first spawn then pays
 * an array comparison inside its measured {@code start()}.
 */
public final class SpawnClassRewriter implements ClassRewriter {
    /** internal name -> {original, rewritten} */
    private final Map<String, byte[][]> prepared = new ConcurrentHashMap<>();

    /** Rewrites both classes from the running JDK's class files; throws if this JDK's classes do not fit. */
    public void prepare() {
        for (String name : new String[] {SpawnClasses.PROCESS_BUILDER, SpawnClasses.PROCESS_IMPL}) {
            byte[] original;
            try (InputStream in = Object.class.getModule().getResourceAsStream(name + ".class")) {
                if (in == null) {
                    throw new IllegalStateException("java.base has no " + name + ".class");
                }
                original = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the class file of " + name, e);
            }
            prepared.put(name, new byte[][] {original, rewrite(name, original)});
        }
    }

    @Override
    public boolean rewritesJdkClass(String internalName) {
        return SpawnClasses.isTarget(internalName);
    }

    @Override
    public byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile,
                          int poolFlags) {
        return transform(className, classFile);
    }

    /** The rewritten class, or the prepared result when {@code original} is the class file we prepared from. */
    public byte[] transform(String internalName, byte[] original) {
        byte[][] ready = prepared.get(internalName);
        if (ready != null && Arrays.equals(ready[0], original)) {
            return ready[1];
        }
        return rewrite(internalName, original);
    }

    /** The class rewritten; throws when it has nothing this rewriter knows how to time. */
    private static byte[] rewrite(String internalName, byte[] original) {
        int[] rewritten = {0};
        byte[] result;
        if (SpawnClasses.PROCESS_BUILDER.equals(internalName)) {
            result = ClassRewrite.withAsm(original, (owner, access, name, descriptor, mv) -> {
                if (!name.equals("start") || !descriptor.startsWith("([") || (access & Opcodes.ACC_STATIC) != 0) {
                    return mv;
                }
                rewritten[0]++;
                return new SpawnBracket(mv, 0); // the builder is this
            });
        } else {
            List<ExecBracket> brackets = new ArrayList<>();
            result = ClassRewrite.withAsm(original, (owner, access, name, descriptor, mv) -> {
                if (!name.equals("<init>")) {
                    return mv;
                }
                ExecBracket b = new ExecBracket(mv);
                brackets.add(b);
                return b;
            });
            for (ExecBracket b : brackets) { // the rewrite has run through them all by now
                rewritten[0] += b.calls();
            }
        }
        if (rewritten[0] == 0) {
            throw new IllegalStateException(internalName.replace('/', '.') + " has no method we know how to time"
                    + " (ProcessBuilder.start(Redirect[]), a forkAndExec call in ProcessImpl's constructor)");
        }
        return result;
    }
}
