package io.spawnlock.locks;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;

/** What counts as taking or releasing a {@code java.util.concurrent} lock, and javac's exception handlers. */
final class LockInstructions {
    static final String LOCK_TYPE = "java/util/concurrent/locks/Lock";
    private static final Set<String> LOCK_OWNERS = new HashSet<>(Arrays.asList(
            LOCK_TYPE,
            "java/util/concurrent/locks/ReentrantLock",
            "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
            "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock"));

    private LockInstructions() {}

    /** "lock", "lockInterruptibly" or "unlock" when the call is one on a Lock, else null. */
    static String lockCall(int opcode, String owner, String name, String descriptor) {
        if ((opcode != Opcodes.INVOKEVIRTUAL && opcode != Opcodes.INVOKEINTERFACE) || !"()V".equals(descriptor)
                || !LOCK_OWNERS.contains(owner)) {
            return null;
        }
        switch (name) {
            case "lock":
            case "lockInterruptibly":
            case "unlock":
                return name;
            default:
                return null;
        }
    }

    /**
     * Tracks whether the instructions being visited are a catch-any handler's (javac's "release the lock and
     * rethrow" code), from the handler's label to the end of its straight-line code.
     */
    static final class HandlerTracker {
        private final Set<Label> handlers = new HashSet<>();
        private boolean inHandler;

        void tryCatchBlock(Label handler, String type) {
            if (type == null) {
                handlers.add(handler);
            }
        }

        void label(Label label) {
            if (handlers.contains(label)) {
                inHandler = true;
            }
        }

        /** After a plain or jump instruction: straight-line code ends at a throw, return or goto. */
        void instruction(int opcode) {
            if (opcode == Opcodes.ATHROW || opcode == Opcodes.GOTO
                    || (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN)) {
                inHandler = false;
            }
        }

        boolean inHandler() {
            return inHandler;
        }
    }

    static boolean isSynchronized(int access) {
        return (access & Opcodes.ACC_SYNCHRONIZED) != 0;
    }
}
