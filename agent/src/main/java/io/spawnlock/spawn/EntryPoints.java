package io.spawnlock.spawn;

import io.spawnlock.agent.ConstantPool;
import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.config.AgentOptions;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * The spawns that do not go through {@code ProcessBuilder}: an application method that calls libjava's
 * fork/exec by its JNI symbol (NuProcess 3.x does, through JNA), and the entry points the application names
 * with {@code spawns=}. Each such method is rewritten at its class's first load ({@link SpawnBracket}) and
 * measured as a spawn, from its first call; its spawns count, fail, and are shown in dumps as any other.
 *
 * <p>Plain ASM only, so it is ready as early as the lock rewriter: a class held for it waits no longer.
 */
public final class EntryPoints implements ClassRewriter {
    /** Told of each method made a spawn, so the lock passes know that a call of it spawns. */
    public interface Learner {
        void spawns(String owner, String name, String descriptor);
    }

    private static final Set<String> NO_NAMES = Collections.emptySet();
    /** Internal class name -> the method names given for it by {@code spawns=}. */
    private final Map<String, Set<String>> named;
    private final Learner learner;
    private final Consumer<String> notes;
    private final BiConsumer<String, String> warnOnce;
    private final ClassLoader agentLoader = EntryPoints.class.getClassLoader();

    /**
     * @param entries  the {@code spawns=} entries, {@code com.acme.Launcher#launch}
     * @param notes    the log's comments
     * @param warnOnce (key, message): a warning, once per key
     */
    public EntryPoints(List<String> entries, Learner learner, Consumer<String> notes, BiConsumer<String, String> warnOnce) {
        Map<String, Set<String>> byClass = new HashMap<>();
        for (String entry : entries) {
            int hash = entry.indexOf('#');
            byClass.computeIfAbsent(entry.substring(0, hash).replace('.', '/'), k -> new LinkedHashSet<>())
                    .add(entry.substring(hash + 1));
        }
        this.named = byClass;
        this.learner = learner;
        this.notes = notes;
        this.warnOnce = warnOnce;
        transform(agentLoader, "", null, new byte[0], false); // resolve the fast path before any class load needs it
    }

    @Override
    public boolean rewritesApplicationClasses() {
        return true;
    }

    @Override
    public byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile,
                          int poolFlags) {
        return transform(loader, className, classBeingRedefined, classFile, (poolFlags & NATIVE_SPAWN) != 0);
    }

    /**
     * The class rewritten, or null when none of its methods spawns this way. Never throws.
     *
     * @param callsNativeSpawn whether its constant pool names libjava's fork/exec ({@link ConstantPool#NATIVE_SPAWN}
     *                         of {@link ConstantPool#flags}), read once by the class gate for every rewriter
     */
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile,
                            boolean callsNativeSpawn) {
        if (loader == null || loader == agentLoader || className == null || classFile == null) {
            return null;
        }
        Set<String> names = named.getOrDefault(className, NO_NAMES);
        if (names.isEmpty() && !callsNativeSpawn) {
            return null; // nearly every class: no named entry point, no call of libjava's fork/exec
        }
        try {
            Map<String, String> entries = entriesOf(classFile, names); // name+descriptor -> why
            if (classBeingRedefined == null) {
                for (String name : names) {
                    if (entries.keySet().stream().noneMatch(k -> k.startsWith(name + '('))) {
                        warnOnce.accept("spawns " + className + '#' + name, AgentOptions.SPAWNS.key + "="
                                + className.replace('/', '.') + '#' + name + ": the class has no such method with code (a constructor, abstract or native"
                                + " method cannot be an entry point); it is not measured");
                    }
                }
            }
            if (entries.isEmpty()) {
                return null;
            }
            byte[] rewritten = rewrite(classFile, entries.keySet());
            for (Map.Entry<String, String> e : entries.entrySet()) {
                int paren = e.getKey().indexOf('(');
                learner.spawns(className, e.getKey().substring(0, paren), e.getKey().substring(paren));
                if (classBeingRedefined == null) {
                    notes.accept("spawns measured in " + className.replace('/', '.') + '#' + e.getKey().substring(0, paren)
                            + " (" + e.getValue() + "), from its first call");
                }
            }
            return rewritten;
        } catch (RuntimeException | LinkageError e) {
            warnOnce.accept("spawns " + className, "spawns in " + className.replace('/', '.') + " are not measured:"
                    + " rewriting it failed (" + e + ")");
            return null;
        }
    }

    /**
     * Whether a class loaded before this rewriter was ready is one it would have rewritten: named, or one
     * whose class file (as its loader serves it, or null) calls libjava's fork/exec.
     */
    @Override
    public boolean caughtUp(ClassLoader loader, String internalName, byte[] classFile) {
        return loader != null && loader != agentLoader && (named.containsKey(internalName)
                || (classFile != null && ConstantPool.callsMethodOf(classFile, NO_NAMES, NO_NAMES)));
    }

    /** The methods to make spawns, {@code name+descriptor} -> why: named, or calling libjava's fork/exec. */
    private static Map<String, String> entriesOf(byte[] classFile, Set<String> names) {
        Map<String, String> entries = new HashMap<>();
        OpenedClassReader.of(classFile).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.startsWith("<")) {
                    return null;
                }
                String key = name + descriptor;
                if (names.contains(name)) {
                    entries.put(key, "named by spawns=");
                    return null;
                }
                return new MethodVisitor(OpenedClassReader.ASM_API) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String callee, String calleeDescriptor,
                                                boolean isInterface) {
                        if (ExecBracket.isForkAndExec(owner, callee)) {
                            entries.put(key, "it calls libjava's fork/exec by its JNI symbol");
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return entries;
    }

    private static byte[] rewrite(byte[] classFile, Set<String> entries) {
        return ClassRewrite.withAsm(classFile, (owner, access, name, descriptor, mv) -> {
            if (!entries.contains(name + descriptor)) {
                return mv;
            }
            Type[] arguments = Type.getArgumentTypes(descriptor);
            boolean object = arguments.length > 0 && (arguments[0].getSort() == Type.OBJECT
                    || arguments[0].getSort() == Type.ARRAY);
            int first = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
            return new SpawnBracket(new ExecBracket(mv), object ? first : -1);
        });
    }
}
