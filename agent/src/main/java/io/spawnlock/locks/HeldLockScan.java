package io.spawnlock.locks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
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
