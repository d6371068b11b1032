package io.spawnlock.locks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Reads a method's bytecode and tells which locks are held at one of its calls: the call a spawning
 * thread's stack frame was in. Works on javac's shapes: {@code synchronized} blocks, {@code synchronized}
 * methods, and {@code lock()} ... {@code finally { unlock(); }}.
 */
final class HeldLockScan {
    /** What is held at the call. */
    static final class Result {
        /** Names of the monitors and Locks held at the call (from blocks and lock calls), outermost first. */
        final List<String> held;
        /** Non-null when the method itself is synchronized: its site name. */
        final String synchronizedMethod;
        final boolean callFound;

        Result(List<String> held, String synchronizedMethod, boolean callFound) {
            this.held = held;
            this.synchronizedMethod = synchronizedMethod;
            this.callFound = callFound;
        }
    }

    private HeldLockScan() {}

    /**
     * @param classFile  the class's bytes
     * @param method     name of the method the frame is in, with {@code descriptor}
     * @param callee     name of the method the frame was calling, with {@code calleeDescriptor}
     * @param line       the frame's line number, or -1; picks among several calls of the same method
     */
    static Result scan(byte[] classFile, String method, String descriptor, String callee, String calleeDescriptor,
                       int line) {
        ClassReader reader = OpenedClassReader.of(classFile);
        String owner = reader.getClassName();
        List<List<String>> candidates = new ArrayList<>();
        List<Integer> candidateLines = new ArrayList<>();
        String[] synchronizedMethod = new String[1];
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                if (!name.equals(method) || !desc.equals(descriptor)) {
                    return null;
                }
                if (LockInstructions.isSynchronized(access)) {
                    synchronizedMethod[0] = new LockNames(owner, name).site();
                }
                return new LockTrackingVisitor(null, owner, name) {
                    private final List<String> held = new ArrayList<>();
                    /**
                     * What was held at each jump to a label: code after a return, throw or goto is reached by a
                     * jump, so an early {@code return} inside a block (which releases) does not end the block
                     * for the code after it.
                     */
                    private final Map<Label, List<String>> atJump = new HashMap<>();
                    private boolean fallsThrough = true;

                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        super.visitJumpInsn(opcode, label);
                        jumpsTo(label);
                        fallsThrough = opcode != Opcodes.GOTO;
                    }

                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                        super.visitTableSwitchInsn(min, max, dflt, labels);
                        switchesTo(dflt, labels);
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                        super.visitLookupSwitchInsn(dflt, keys, labels);
                        switchesTo(dflt, labels);
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        super.visitInsn(opcode);
                        if (opcode == Opcodes.ATHROW || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN)) {
                            fallsThrough = false;
                        }
                    }

                    @Override
                    public void visitLabel(Label label) {
                        super.visitLabel(label);
                        List<String> before = atJump.get(label);
                        if (!fallsThrough && before != null) {
                            held.clear();
                            held.addAll(before);
                        }
                        fallsThrough = true;
                    }

                    private void switchesTo(Label dflt, Label[] labels) {
                        jumpsTo(dflt);
                        for (Label l : labels) {
                            jumpsTo(l);
                        }
                        fallsThrough = false;
                    }

                    private void jumpsTo(Label label) {
                        atJump.putIfAbsent(label, new ArrayList<>(held));
                    }

                    @Override
                    protected void monitorEnter(String lock) {
                        held.add(lock);
                    }

                    @Override
                    protected void monitorExit(String lock, boolean inHandler) {
                        release(lock, inHandler);
                    }

                    @Override
                    protected void lockCall(String kind, String lock, boolean inHandler, int opcode, String o,
                                            String n, String d, boolean itf) {
                        if (kind.equals("unlock")) {
                            release(lock, inHandler);
                        } else {
                            held.add(lock);
                        }
                    }

                    @Override
                    protected void call(int opcode, String o, String n, String d, boolean itf) {
                        if (n.equals(callee) && d.equals(calleeDescriptor)) {
                            candidates.add(new ArrayList<>(held));
                            candidateLines.add(line());
                        }
                    }

                    /** A release in a catch-any handler is the exceptional twin of one already seen. */
                    private void release(String lock, boolean inHandler) {
                        int i = held.lastIndexOf(lock);
                        if (i >= 0 && !inHandler) {
                            held.remove(i);
                        }
                    }
                };
            }
        }, 0);
        if (candidates.isEmpty()) {
            return new Result(Collections.emptyList(), synchronizedMethod[0], false);
        }
        int pick = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidateLines.get(i) == line) {
                pick = i;
                break;
            }
        }
        return new Result(candidates.get(pick), synchronizedMethod[0], true);
    }
}
