package io.spawnlock.locks;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * A spawning {@code synchronized} method, as its class first loads, becomes the block javac would write
 * for it ({@code ACC_SYNCHRONIZED} is cleared by the caller): the same monitor ({@code this}, or the class
 * for a static method) taken on entry and released on every exit, normal or exceptional. That puts the
 * monitor's wait inside the method, so it is timed for every caller, not only the call sites discovery saw.
 *
 * <pre>
 *   monitorEntering(id); load monitor; MONITORENTER
 * start:
 *   monitorEntered(id); ...body...   (before each return: monitorExited(id); load monitor; MONITOREXIT)
 * end:
 * handler (catch any, start..end): load monitor; MONITOREXIT; monitorExited(id); ATHROW
 * </pre>
 *
 * Only at the first load: a retransformation may not change modifiers, so a class rewritten this way is
 * rewritten the same way again, and a synchronized method found later keeps its modifier (and the advice).
 * The monitor of an instance method is read from local 0, which javac never writes.
 */
final class SynchronizedToBlock implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
    private static final String PROBE = "io/spawnlock/probe/LockProbe";
    private final int lockId;

    SynchronizedToBlock(int lockId) {
        this.lockId = lockId;
    }

    @Override
    public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                              MethodVisitor methodVisitor, Implementation.Context implementationContext,
                              net.bytebuddy.pool.TypePool typePool, int writerFlags, int readerFlags) {
        return wrap(instrumentedType.getInternalName(), instrumentedMethod.isStatic(),
                (readerFlags & ClassReader.EXPAND_FRAMES) != 0, methodVisitor);
    }

    /** The rewriting visitor for one method; {@code expanded} when the frames it is fed are expanded. */
    MethodVisitor wrap(String owner, boolean isStatic, boolean expanded, MethodVisitor methodVisitor) {
        return new MethodVisitor(OpenedClassReader.ASM_API, methodVisitor) {
            private final Label start = new Label();
            private final Label end = new Label();
            private final Label handler = new Label();

            @Override
            public void visitCode() {
                super.visitCode();
                hook("monitorEntering");
                loadMonitor();
                super.visitInsn(Opcodes.MONITORENTER);
                super.visitLabel(start);
                hook("monitorEntered");
            }

            @Override
            public void visitInsn(int opcode) {
                if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                    hook("monitorExited");
                    loadMonitor();
                    super.visitInsn(Opcodes.MONITOREXIT);
                }
                super.visitInsn(opcode);
            }

            @Override
            public void visitMaxs(int maxStack, int maxLocals) {
                super.visitLabel(end);
                super.visitLabel(handler);
                Object[] locals = isStatic ? new Object[0] : new Object[] {owner};
                super.visitFrame(expanded ? Opcodes.F_NEW : Opcodes.F_FULL, locals.length, locals, 1,
                        new Object[] {"java/lang/Throwable"});
                loadMonitor();
                super.visitInsn(Opcodes.MONITOREXIT);
                hook("monitorExited");
                super.visitInsn(Opcodes.ATHROW);
                // last in the table: the body's own handlers, listed before, keep catching first
                super.visitTryCatchBlock(start, end, handler, null);
                super.visitMaxs(maxStack + 2, maxLocals);
            }

            private void loadMonitor() {
                if (isStatic) {
                    super.visitLdcInsn(Type.getObjectType(owner));
                } else {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                }
            }

            private void hook(String name) {
                super.visitLdcInsn(lockId);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, name, "(I)V", false);
            }
        };
    }
}
