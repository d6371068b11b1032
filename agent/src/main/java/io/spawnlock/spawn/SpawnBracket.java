package io.spawnlock.spawn;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Makes one method a spawn: {@code ProcessBuilder.start(Redirect[])}, or an application's method that
 * spawns without it. The probe is told on entry and on every exit, normal or by exception.
 *
 * <pre>
 *   load what (the builder, or the first argument, or null); spawnBegin(Object)
 * start:
 *   ...body...   (at each return: the returned object, or null; spawnReturned(Object))
 * end:
 * handler (catch any, start..end): DUP; spawnThrew(Throwable); ATHROW
 * </pre>
 *
 * Plain ASM (ByteBuddy's bundled copy), no local added (the probe keeps the start time per thread), no
 * member added: safe for a class's first load and for retransformation alike, and needing none of
 * ByteBuddy's machinery to start. The handler's frame names no local, so the method's own frames pass
 * through as they are. Not for constructors, whose {@code this} is not yet an object.
 */
final class SpawnBracket extends MethodVisitor {
    static final String PROBE = "io/spawnlock/probe/SpawnProbe";
    private final int what;
    private final Label start = new Label();
    private final Label end = new Label();

    /**
     * @param what the local slot of what the command is read from (the builder, {@code this}; or an object
     *             first argument), or -1
     */
    SpawnBracket(MethodVisitor next, int what) {
        super(OpenedClassReader.ASM_API, next);
        this.what = what;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (what >= 0) {
            super.visitVarInsn(Opcodes.ALOAD, what);
        } else {
            super.visitInsn(Opcodes.ACONST_NULL);
        }
        super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "spawnBegin", "(Ljava/lang/Object;)V", false);
        super.visitLabel(start);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            super.visitInsn(opcode == Opcodes.ARETURN ? Opcodes.DUP : Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "spawnReturned", "(Ljava/lang/Object;)V", false);
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitLabel(end);
        Label handler = new Label();
        super.visitLabel(handler);
        super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
        super.visitInsn(Opcodes.DUP);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "spawnThrew", "(Ljava/lang/Throwable;)V", false);
        super.visitInsn(Opcodes.ATHROW);
        // last in the table: the method's own handlers, listed before, keep catching first
        super.visitTryCatchBlock(start, end, handler, null);
        super.visitMaxs(Math.max(maxStack + 1, 2), maxLocals);
    }
}
