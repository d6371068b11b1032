package io.spawnlock.locks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Reads a class's bytecode and tells, for every call instruction, which locks are held at it. Works on
 * javac's shapes: {@code synchronized} blocks, {@code synchronized} methods, and a gate call (lock,
 * tryLock, acquire, a stamp) ... {@code finally} its release. Discovery asks about the one call a spawning
 * thread's frame was in; the load-time pass asks about every call.
 */
final class HeldLockScan {
    /** One call instruction, and the names of the monitors and locks held at it, outermost first. */
    static final class Call {
        final String owner;
        final String name;
        final String descriptor;
        final int line;
        final List<String> held;

        Call(String owner, String name, String descriptor, int line, List<String> held) {
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.line = line;
            this.held = held;
        }
    }

    /** One method: whether it is synchronized (then its site name is its lock), and its calls in order. */
    static final class Method {
        final String name;
        final String descriptor;
        final String synchronizedLock;
        /** The declaring class's superclass (null for Object): where an inherited method is looked up. */
        final String superName;
        final List<Call> calls = new ArrayList<>();

        Method(String name, String descriptor, String synchronizedLock, String superName) {
            this.name = name;
            this.descriptor = descriptor;
            this.synchronizedLock = synchronizedLock;
            this.superName = superName;
        }
    }

    /** What is held at one call. */
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

    /** The internal name of the class in {@code classFile}. */
    static String className(byte[] classFile) {
        return OpenedClassReader.of(classFile).getClassName();
    }

    /**
     * Every method of the class (or only {@code onlyMethod}, name + descriptor, when not null), keyed by
     * name + descriptor, with each call and what is held at it.
     */
    static Map<String, Method> scanClass(byte[] classFile, String onlyMethod) {
        ClassReader reader = OpenedClassReader.of(classFile);
        String owner = reader.getClassName();
        Map<String, Method> methods = new LinkedHashMap<>();
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                if (onlyMethod != null && !onlyMethod.equals(name + desc)) {
                    return null;
                }
                Method m = new Method(name, desc, LockInstructions.isSynchronized(access)
                        ? new LockNames(owner, name).site() : null, reader.getSuperName());
                methods.put(name + desc, m);
                return new HeldTracker(owner, m);
            }
        }, ClassReader.SKIP_FRAMES);
        return methods;
    }

    /**
     * @param classFile  the class's bytes
     * @param method     name of the method the frame is in, with {@code descriptor}
     * @param callee     name of the method the frame was calling, with {@code calleeDescriptor}
     * @param line       the frame's line number, or -1; picks among several calls of the same method
     */
    static Result scan(byte[] classFile, String method, String descriptor, String callee, String calleeDescriptor,
                       int line) {
        Method m = scanClass(classFile, method + descriptor).get(method + descriptor);
        if (m == null) {
            return new Result(Collections.emptyList(), null, false);
        }
        Call pick = null;
        for (Call c : m.calls) {
            if (c.name.equals(callee) && c.descriptor.equals(calleeDescriptor) && (pick == null || c.line == line)) {
                if (pick == null || pick.line != line) {
                    pick = c;
                }
            }
        }
        return pick == null ? new Result(Collections.emptyList(), m.synchronizedLock, false)
                : new Result(pick.held, m.synchronizedLock, true);
    }

    /** Follows one method's instructions and notes, at each call, what is held. */
    private static final class HeldTracker extends LockTrackingVisitor {
        private final Method method;
        private final List<String> held = new ArrayList<>();
        /**
         * What was held at each jump to a label: code after a return, throw or goto is reached by a jump, so
         * an early {@code return} inside a block (which releases) does not end the block for the code after it.
         */
        private final Map<Label, List<String>> atJump = new HashMap<>();
        private boolean fallsThrough = true;

        HeldTracker(String owner, Method method) {
            super(null, owner, method.name);
            this.method = method;
        }

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
        protected void lockCall(LockInstructions.GateCall gate, String lock, boolean inHandler, int opcode, String o,
                                String n, String d, boolean itf) {
            if (gate.release) {
                release(lock, inHandler);
            } else {
                held.add(lock);
            }
        }

        @Override
        protected void call(int opcode, String o, String n, String d, boolean itf) {
            List<String> now = held.isEmpty() ? Collections.<String>emptyList()
                    : Collections.unmodifiableList(new ArrayList<>(held));
            method.calls.add(new Call(o, n, d, line(), now));
        }

        /** A release in a catch-any handler is the exceptional twin of one already seen. */
        private void release(String lock, boolean inHandler) {
            int i = held.lastIndexOf(lock);
            if (i >= 0 && !inHandler) {
                held.remove(i);
            }
        }
    }
}
