package io.spawnlock.locks;

import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Passes a method's instructions on unchanged while keeping track of lock names ({@link LockNames}),
 * javac's catch-any handlers and the line; subclasses hook the lock instructions and may emit code before
 * any instruction. The scan that finds spawn locks and the rewriter that measures them both build on it.
 */
abstract class LockTrackingVisitor extends MethodVisitor {
    protected final LockNames names;
    private final LockInstructions.HandlerTracker handlers = new LockInstructions.HandlerTracker();
    private int line = -1;

    LockTrackingVisitor(MethodVisitor next, String internalClassName, String methodName) {
        super(OpenedClassReader.ASM_API, next);
        this.names = new LockNames(internalClassName, methodName);
    }

    /** Called before each instruction is passed on. */
    protected void beforeInstruction() {
    }

    /** A MONITORENTER on the named lock; the default passes it on. */
    protected void monitorEnter(String lock) {
        super.visitInsn(Opcodes.MONITORENTER);
    }

    /** A MONITOREXIT; {@code inHandler} when it is the release in javac's catch-any handler. */
    protected void monitorExit(String lock, boolean inHandler) {
        super.visitInsn(Opcodes.MONITOREXIT);
    }

    /** A call that takes or gives back a lock, a permit or a stamp ({@link LockInstructions#gateCall}). */
    protected void lockCall(LockInstructions.GateCall gate, String lock, boolean inHandler, int opcode, String owner,
                            String name, String descriptor, boolean isInterface) {
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    /** Any other method call. */
    protected void call(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    protected final int line() {
        return line;
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.tryCatchBlock(handler, type);
        super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitLabel(Label label) {
        handlers.label(label);
        super.visitLabel(label);
    }

    @Override
    public void visitLineNumber(int lineNumber, Label start) {
        line = lineNumber;
        super.visitLineNumber(lineNumber, start);
    }

    @Override
    public void visitInsn(int opcode) {
        beforeInstruction();
        if (opcode == Opcodes.MONITORENTER) {
            monitorEnter(names.current());
        } else if (opcode == Opcodes.MONITOREXIT) {
            monitorExit(names.current(), handlers.inHandler());
        } else {
            super.visitInsn(opcode);
        }
        names.other(opcode);
        handlers.instruction(opcode);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        beforeInstruction();
        LockInstructions.GateCall gate = LockInstructions.gateCall(opcode, owner, name, descriptor);
        if (gate != null) {
            String lock = gate.hasArguments ? names.receiver() : names.current();
            lockCall(gate, lock, handlers.inHandler(), opcode, owner, name, descriptor, isInterface);
        } else {
            call(opcode, owner, name, descriptor, isInterface);
        }
        if (gate == null && LockInstructions.isLockView(owner, name, descriptor)) {
            names.view();
        } else {
            names.other(-1);
        }
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        beforeInstruction();
        super.visitVarInsn(opcode, var);
        names.var(opcode, var);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        beforeInstruction();
        super.visitFieldInsn(opcode, owner, name, descriptor);
        names.field(opcode, owner, name, descriptor);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        beforeInstruction();
        super.visitJumpInsn(opcode, label);
        names.other(-1);
        handlers.instruction(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        beforeInstruction();
        super.visitIntInsn(opcode, operand);
        if (opcode == Opcodes.NEWARRAY) {
            names.other(-1);
        } else {
            names.argument(); // BIPUSH, SIPUSH
        }
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        beforeInstruction();
        super.visitTypeInsn(opcode, type);
        names.other(-1);
    }

    @Override
    public void visitLdcInsn(Object value) {
        beforeInstruction();
        super.visitLdcInsn(value);
        if (value instanceof Number) {
            names.argument();
        } else {
            names.other(-1);
        }
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        beforeInstruction();
        super.visitIincInsn(var, increment);
        names.other(-1);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
        beforeInstruction();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, args);
        names.other(-1);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        beforeInstruction();
        super.visitTableSwitchInsn(min, max, dflt, labels);
        names.other(-1);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        beforeInstruction();
        super.visitLookupSwitchInsn(dflt, keys, labels);
        names.other(-1);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        beforeInstruction();
        super.visitMultiANewArrayInsn(descriptor, dimensions);
        names.other(-1);
    }
}
