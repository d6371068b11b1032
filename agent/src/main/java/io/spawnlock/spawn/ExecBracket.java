package io.spawnlock.spawn;

import io.spawnlock.agent.ConstantPool;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Brackets each native fork/exec call in a method with {@code SpawnProbe.execBegin()}/{@code execEnd()}:
 * the JDK's {@code ProcessImpl.forkAndExec}, and libjava's fork/exec called by its JNI symbol on any owner.
 * The inserted calls take and leave nothing on the operand stack and add no branch or local, so frames,
 * max stack and the class's shape stay as they were. A native method prefix would time the call as
 * exactly, but cannot be added to an already loaded class.
 */
final class ExecBracket extends MethodVisitor {
    static final String PROCESS_IMPL = "java/lang/ProcessImpl";
    static final String FORK_AND_EXEC = "forkAndExec";
    private int calls;

    ExecBracket(MethodVisitor next) {
        super(OpenedClassReader.ASM_API, next);
    }

    /** Whether a call instruction's target is a native fork/exec. */
    static boolean isForkAndExec(String owner, String name) {
        return (FORK_AND_EXEC.equals(name) && PROCESS_IMPL.equals(owner)) || ConstantPool.NATIVE_SPAWN_SYMBOLS.contains(name);
    }

    /** How many calls were bracketed. */
    int calls() {
        return calls;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        boolean exec = isForkAndExec(owner, name);
        if (exec) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SpawnBracket.PROBE, "execBegin", "()V", false);
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        if (exec) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SpawnBracket.PROBE, "execEnd", "()V", false);
            calls++;
        }
    }
}
