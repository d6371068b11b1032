package io.spawnlock.spawn;

import io.spawnlock.agent.ConstantPool;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Makes one application method a spawn, as {@code ProcessBuilder.start} is: the probe is told on entry and
 * on every exit, normal or by exception, and a call of libjava's fork/exec inside it is its native part.
 *
 * <pre>
 *   load first argument (or null); entryBegin(Object)
 * start:
 *   ...body...   (before each return: null; entryEnd(Throwable);
 *                 around each native fork/exec call: execBegin(); call; execEnd())
 * end:
 * handler (catch any, start..end): DUP; entryEnd(Throwable); ATHROW
 * </pre>
 *
 * Plain ASM, no local added (the probe keeps the start time per thread), no member added: safe for a
 * class's first load and for retransformation alike. The handler's frame names no local, so the method's
 * own frames pass through as they are. Not for constructors, whose {@code this} is not yet an object.
 */
final class EntryBracket extends MethodVisitor {
    private static final String PROBE = "io/spawnlock/probe/SpawnProbe";
    private final int firstArgument;
    private final Label start = new Label();
    private final Label end = new Label();

    /**
     * @param firstArgument the local slot of the method's first argument when it is an object (the command,
     *                      as far as the probe can tell), or -1
     */
    EntryBracket(MethodVisitor next, int firstArgument) {
        super(OpenedClassReader.ASM_API, next);
        this.firstArgument = firstArgument;
    }

    /** Whether a call instruction's target is libjava's fork/exec by its JNI symbol. */
    static boolean isNativeSpawn(String name) {
        return ConstantPool.NATIVE_SPAWN_SYMBOLS.contains(name);
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (firstArgument >= 0) {
            super.visitVarInsn(Opcodes.ALOAD, firstArgument);
        } else {
            super.visitInsn(Opcodes.ACONST_NULL);
        }
        super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "entryBegin", "(Ljava/lang/Object;)V", false);
        super.visitLabel(start);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "entryEnd", "(Ljava/lang/Throwable;)V", false);
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        boolean exec = isNativeSpawn(name);
        if (exec) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "execBegin", "()V", false);
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        if (exec) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "execEnd", "()V", false);
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitLabel(end);
        Label handler = new Label();
        super.visitLabel(handler);
        super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
        super.visitInsn(Opcodes.DUP);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "entryEnd", "(Ljava/lang/Throwable;)V", false);
        super.visitInsn(Opcodes.ATHROW);
        // last in the table: the method's own handlers, listed before, keep catching first
        super.visitTryCatchBlock(start, end, handler, null);
        super.visitMaxs(Math.max(maxStack + 1, 2), maxLocals);
    }
}
