package io.spawnlock.bytecode;

import java.io.IOException;
import java.io.InputStream;
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
import net.bytebuddy.pool.TypePool;

import static net.bytebuddy.matcher.ElementMatchers.none;

/**
 * Applies visitors to one class file and nothing else: no new member, no type initializer, no hierarchy
 * walk. The result keeps the class's shape, so it can also replace an already loaded class.
 */
public final class ClassRewrite {
    private ClassRewrite() {}

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
}
