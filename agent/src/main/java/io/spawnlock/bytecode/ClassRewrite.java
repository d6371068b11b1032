package io.spawnlock.bytecode;

import io.spawnlock.guard.AgentWarnings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Collection;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

import static net.bytebuddy.matcher.ElementMatchers.none;

/**
 * Applies visitors to one class file and nothing else: no new member, no type initializer, no hierarchy
 * walk. The result keeps the class's shape, so it can also replace an already loaded class.
 */
public final class ClassRewrite {
    private ClassRewrite() {}

    /** What a plain-ASM rewrite does to each method of a class. */
    public interface MethodRewrite {
        /** The method's access flags in the rewritten class; the same by default. */
        default int access(String name, String descriptor, int access) {
            return access;
        }

        /** The visitor the method's code goes through ({@code next} when it is left alone). */
        MethodVisitor wrap(String owner, int access, String name, String descriptor, MethodVisitor next);
    }

    /**
     * Rewrites a class with ByteBuddy's bundled ASM alone: no type pool, no advice, no class loaded. The
     * constant pool is copied and the frames passed through as they are, so the visitors must keep the
     * frames and the max stack right themselves (they add at most a handler's frame).
     */
    public static byte[] withAsm(byte[] classFile, MethodRewrite rewrite) {
        ClassReader reader = OpenedClassReader.of(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                owner = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(rewrite.access(name, descriptor, access), name, descriptor,
                        signature, exceptions);
                return mv == null ? null : rewrite.wrap(owner, access, name, descriptor, mv);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** A class's file as its loader serves it, without loading the class; null when it has none or fails. */
    public static byte[] classFile(ClassLoader loader, String internalName) {
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @param binaryName the class's name, {@code java.lang.ProcessBuilder}
     * @param original   its class file
     * @param context    where the class's other types can be read from (its loader's class files)
     */
    public static byte[] apply(String binaryName, byte[] original, ClassFileLocator context, AsmVisitorWrapper... visitors) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(binaryName, original), context);
        TypePool pool = TypePool.Default.of(locator);
        TypeDescription type = pool.describe(binaryName).resolve();
        DynamicType.Builder<?> builder = new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
                .with(InstrumentedType.Factory.Default.FROZEN)
                .with(VisibilityBridgeStrategy.Default.NEVER)
                .ignore(none()) // ByteBuddy skips synthetic methods by default: lambda bodies take locks too
                .redefine(type, locator);
        for (AsmVisitorWrapper visitor : visitors) {
            builder = builder.visit(visitor);
        }
        return builder.make(pool).getBytes();
    }

    /**
     * Retransforms classes whose rewrite changed (loaded before their rewriter was ready, spawn locks or a
     * spawning method found in them); one that cannot be is one warning, and stays unmeasured.
     */
    public static void retransform(Instrumentation inst, Collection<Class<?>> classes, AgentWarnings warnings) {
        for (Class<?> c : classes) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                warnings.warnOnce("retransform " + c.getName(), c.getName() + " is not measured: retransforming it"
                        + " failed (" + AgentWarnings.describe(t) + ")");
            }
        }
    }
}
