package io.spawnlock.accept;

import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.capability.ClassRewriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Rewrites the JDK's listening NIO channel so that each normal return of {@code accept()} reaches
 * {@link io.spawnlock.probe.AcceptProbe} with the channel and what it returns (null: nothing was ready).
 * ByteBuddy's bundled ASM alone: at each ARETURN, {@code DUP; ALOAD 0; SWAP; acceptReturned(Object, Object)},
 * two more stack slots and nothing else, so frames and the class's shape stay as they were.
 */
public final class AcceptClassRewriter implements ClassRewriter {
    /** The class it rewrites; a compile-time constant, so the class gate compares it without loading this class. */
    public static final String SERVER_CHANNEL = "sun/nio/ch/ServerSocketChannelImpl";
    private static final String PROBE = "io/spawnlock/probe/AcceptProbe";

    @Override
    public boolean rewritesJdkClass(String internalName) {
        return SERVER_CHANNEL.equals(internalName);
    }

    @Override
    public byte[] rewrite(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classFile,
                          int poolFlags) {
        return transform(className, classFile);
    }

    /** The class rewritten; throws if this JDK's class has no {@code accept()} to instrument. */
    public byte[] transform(String internalName, byte[] original) {
        int[] returns = {0};
        byte[] rewritten = ClassRewrite.withAsm(original, (owner, access, name, descriptor, mv) -> {
            if (!name.equals("accept") || !descriptor.startsWith("()") || (access & Opcodes.ACC_STATIC) != 0) {
                return mv;
            }
            return new MethodVisitor(OpenedClassReader.ASM_API, mv) {
                @Override
                public void visitInsn(int opcode) {
                    if (opcode == Opcodes.ARETURN) {
                        super.visitInsn(Opcodes.DUP);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitInsn(Opcodes.SWAP);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "acceptReturned",
                                "(Ljava/lang/Object;Ljava/lang/Object;)V", false);
                        returns[0]++;
                    }
                    super.visitInsn(opcode);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(maxStack + 2, maxLocals);
                }
            };
        });
        if (returns[0] == 0) {
            throw new IllegalStateException(internalName.replace('/', '.') + " has no accept() we know how to measure");
        }
        return rewritten;
    }
}
