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

    private static final String CONDITION = "java/util/concurrent/locks/Condition";
    private static final String OBJECT_ARG = "(Ljava/lang/Object;";
    private static final String CONDITION_ARG = "(L" + CONDITION + ";";
    private static final Set<String> CONDITION_OWNERS = new HashSet<>(Arrays.asList(CONDITION,
            "java/util/concurrent/locks/AbstractQueuedSynchronizer$ConditionObject",
            "java/util/concurrent/locks/AbstractQueuedLongSynchronizer$ConditionObject"));

    /**
     * The probe method that replaces a wait or a broadcast: {@code {name, descriptor}} with the receiver as
     * first argument, or null for any other call. {@code Object}'s {@code wait}/{@code notifyAll} are final,
     * so name and descriptor identify them on any receiver type.
     */
    static String[] waitOrBroadcast(int opcode, String owner, String name, String descriptor) {
        String call = name + descriptor;
        if (opcode == Opcodes.INVOKEVIRTUAL) {
            switch (call) {
                case "wait()V":
                case "wait(J)V":
                case "wait(JI)V":
                    return new String[] {"waitOn", OBJECT_ARG + descriptor.substring(1)};
                case "notifyAll()V":
                    return new String[] {"notifyAllOn", OBJECT_ARG + ")V"};
                default:
                    break;
            }
        }
        if ((opcode == Opcodes.INVOKEINTERFACE || opcode == Opcodes.INVOKEVIRTUAL) && CONDITION_OWNERS.contains(owner)) {
            switch (call) {
                case "await()V":
                case "awaitUninterruptibly()V":
                case "awaitNanos(J)J":
                case "await(JLjava/util/concurrent/TimeUnit;)Z":
                case "awaitUntil(Ljava/util/Date;)Z":
                case "signalAll()V":
                    return new String[] {name, CONDITION_ARG + descriptor.substring(1)};
                default:
                    break;
            }
        }
        return null;
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
