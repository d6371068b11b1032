package io.spawnlock.spawn;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Brackets the call to the native {@code ProcessImpl.forkAndExec} inside the {@code ProcessImpl} constructor
 * with {@code SpawnProbe.execBegin()}/{@code execEnd()}.
 *
 * <p>The inserted calls take and leave nothing on the operand stack and add no branch or local, so stack
 * map frames, max stack and the class shape stay as they were: safe for retransformation and the JIT.
 * A native method prefix would time the call as exactly, but cannot be added to an already loaded class.
 */
final class ForkAndExecTiming implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
    static final String FORK_AND_EXEC = "forkAndExec";
    private static final String PROBE = "io/spawnlock/probe/SpawnProbe";

    private volatile int callSites;

    /** How many forkAndExec calls were bracketed; 0 means this JDK's spawn path is not the one we know. */
    int callSites() {
        return callSites;
    }

    @Override
    public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                              MethodVisitor methodVisitor, Implementation.Context implementationContext,
                              TypePool typePool, int writerFlags, int readerFlags) {
        return new MethodVisitor(OpenedClassReader.ASM_API, methodVisitor) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                boolean forkAndExec = FORK_AND_EXEC.equals(name) && SpawnClasses.PROCESS_IMPL.equals(owner);
                if (forkAndExec) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "execBegin", "()V", false);
                }
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                if (forkAndExec) {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, "execEnd", "()V", false);
                    callSites++;
                }
            }
        };
    }
}
