package io.spawnlock.locks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;

/** What counts as taking or releasing a lock, a permit or a stamp, and javac's exception handlers. */
final class LockInstructions {
    private static final String LOCK_TYPE = "java/util/concurrent/locks/Lock";
    private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
    private static final String STAMPED_LOCK = "java/util/concurrent/locks/StampedLock";
    private static final String TIME_UNIT = "Ljava/util/concurrent/TimeUnit;";
    private static final Set<String> LOCK_OWNERS = new HashSet<>(Arrays.asList(
            LOCK_TYPE,
            "java/util/concurrent/locks/ReentrantLock",
            "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
            "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock"));
    /** {@code name + descriptor} of each gate call, per receiver kind; true for a release. */
    private static final Map<String, Boolean> LOCK_CALLS = calls(
            "lock()V", "lockInterruptibly()V", "tryLock()Z", "tryLock(J" + TIME_UNIT + ")Z", "-unlock()V");
    private static final Map<String, Boolean> SEMAPHORE_CALLS = calls(
            "acquire()V", "acquire(I)V", "acquireUninterruptibly()V", "acquireUninterruptibly(I)V", "tryAcquire()Z",
            "tryAcquire(I)Z", "tryAcquire(J" + TIME_UNIT + ")Z", "tryAcquire(IJ" + TIME_UNIT + ")Z", "-release()V",
            "-release(I)V");
    private static final Map<String, Boolean> STAMPED_CALLS = calls(
            "writeLock()J", "readLock()J", "writeLockInterruptibly()J", "readLockInterruptibly()J", "tryWriteLock()J",
            "tryReadLock()J", "tryWriteLock(J" + TIME_UNIT + ")J", "tryReadLock(J" + TIME_UNIT + ")J",
            "-unlockWrite(J)V", "-unlockRead(J)V", "-unlock(J)V");

    private LockInstructions() {}

    /**
     * A call that takes or gives back a lock, a permit or a stamp. The probe method that replaces it has the
     * call's name, its arguments after the receiver, the lock id last, and its result.
     */
    static final class GateCall {
        final boolean release;
        /** Whether the call has arguments: its receiver is then not on top of the stack. */
        final boolean hasArguments;
        final String probeDescriptor;

        GateCall(boolean release, String receiver, String descriptor) {
            this.release = release;
            int close = descriptor.indexOf(')');
            this.hasArguments = close > 1;
            this.probeDescriptor = "(L" + receiver + ";" + descriptor.substring(1, close) + "I" + descriptor.substring(close);
        }
    }

    private static final Map<String, GateCall> GATE_CALLS = new HashMap<>();

    static {
        for (String owner : LOCK_OWNERS) {
            register(owner, LOCK_TYPE, LOCK_CALLS);
        }
        register(SEMAPHORE, SEMAPHORE, SEMAPHORE_CALLS);
        register(STAMPED_LOCK, STAMPED_LOCK, STAMPED_CALLS);
    }

    private static Map<String, Boolean> calls(String... calls) {
        Map<String, Boolean> m = new HashMap<>();
        for (String c : calls) {
            m.put(c.startsWith("-") ? c.substring(1) : c, c.startsWith("-"));
        }
        return m;
    }

    private static void register(String owner, String probeReceiver, Map<String, Boolean> calls) {
        for (Map.Entry<String, Boolean> c : calls.entrySet()) {
            String call = c.getKey();
            int paren = call.indexOf('(');
            GATE_CALLS.put(owner + "." + call, new GateCall(c.getValue(), probeReceiver, call.substring(paren)));
        }
    }

    /** The gate call this instruction is, or null. */
    static GateCall gateCall(int opcode, String owner, String name, String descriptor) {
        if (opcode != Opcodes.INVOKEVIRTUAL && opcode != Opcodes.INVOKEINTERFACE) {
            return null;
        }
        return GATE_CALLS.get(owner + "." + name + descriptor);
    }

    /** Whether a call returns a view of a read/write lock that names the same lock: {@code rw.writeLock()}. */
    static boolean isLockView(String owner, String name, String descriptor) {
        return (name.equals("readLock") || name.equals("writeLock") || name.equals("asReadLock")
                || name.equals("asWriteLock")) && descriptor.startsWith("()L")
                && (owner.equals("java/util/concurrent/locks/ReadWriteLock")
                || owner.equals("java/util/concurrent/locks/ReentrantReadWriteLock") || owner.equals(STAMPED_LOCK));
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
