package io.spawnlock.locks;

import java.util.Map;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

/**
 * Instruments the acquisitions and releases of the given spawn locks in one class.
 *
 * <p>Monitors, following the rules that keep the JIT compiling the method: {@code monitorEntering} just
 * before MONITORENTER; {@code monitorEntered} before the first
 * instruction after it, i.e. after javac's try-start label, never between the two (and after a NEW there, whose
 * label frames refer to); {@code monitorExited}
 * before the normal-path MONITOREXIT, and for the release in javac's self-covering catch-any handler after
 * the MONITOREXIT and after the label that ends the handler's range, never inside it.
 *
 * <p>Gate calls ({@link LockInstructions#gateCall}: a {@code Lock}'s lock, tryLock and unlock, a
 * {@code Semaphore}'s acquire and release, a {@code StampedLock}'s stamps) are replaced by the probe's static
 * equivalents of the same name, which make the same call and return its result. Calls to a synchronized method that is a spawn lock
 * get {@code monitorEntering} just before them (the method's advice takes it from there). Waits and
 * broadcasts ({@code wait}/{@code notifyAll}, {@code await*}/{@code signalAll}) anywhere in the class are
 * replaced by the probe's equivalents too, for the herd they make under a spawn lock. No branch, local
 * or frame is added; max stack grows by one for the lock id.
 */
final class LockSiteRewriter implements AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper {
    private static final String PROBE = "io/spawnlock/probe/LockProbe";

    private final Map<String, Integer> lockIds;
    private final Map<String, Integer> callsToSynchronized;
    private volatile int sites;

    LockSiteRewriter(ClassLocks locks) {
        this.lockIds = locks.get(ClassLocks.Kind.ACQUIRED);
        this.callsToSynchronized = locks.get(ClassLocks.Kind.CALL_TO_SYNCHRONIZED);
    }

    /** Instructions rewritten so far. */
    int sites() {
        return sites;
    }

    @Override
    public MethodVisitor wrap(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                              MethodVisitor methodVisitor, Implementation.Context implementationContext,
                              TypePool typePool, int writerFlags, int readerFlags) {
        return wrap(instrumentedType.getInternalName(), instrumentedMethod.getInternalName(), methodVisitor);
    }

    /** The rewriting visitor for one method of {@code internalClassName}, in front of {@code methodVisitor}. */
    MethodVisitor wrap(String internalClassName, String methodName, MethodVisitor methodVisitor) {
        return new LockTrackingVisitor(methodVisitor, internalClassName, methodName) {
            private String pendingHook;
            private int pendingId;

            @Override
            protected void beforeInstruction() {
                if (pendingHook != null) {
                    hook(pendingHook, pendingId);
                    pendingHook = null;
                }
            }

            @Override
            protected void monitorEnter(String lock) {
                Integer id = lockIds.get(lock);
                if (id != null) {
                    hook("monitorEntering", id);
                }
                super.monitorEnter(lock);
                if (id != null) {
                    defer("monitorEntered", id);
                }
            }

            @Override
            protected void monitorExit(String lock, boolean inHandler) {
                Integer id = lockIds.get(lock);
                if (id != null && !inHandler) {
                    hook("monitorExited", id);
                }
                super.monitorExit(lock, inHandler);
                if (id != null && inHandler) {
                    defer("monitorExited", id);
                }
            }

            @Override
            protected void lockCall(LockInstructions.GateCall gate, String lock, boolean inHandler, int opcode,
                                    String owner, String name, String descriptor, boolean isInterface) {
                Integer id = lockIds.get(lock);
                if (id == null) {
                    super.lockCall(gate, lock, inHandler, opcode, owner, name, descriptor, isInterface);
                    return;
                }
                mv.visitLdcInsn(id);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, name, gate.probeDescriptor, false);
                sites++;
            }

            @Override
            protected void call(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                String[] probe = LockInstructions.waitOrBroadcast(opcode, owner, name, descriptor);
                if (probe != null) { // same operands, same result: the probe makes the call itself
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, probe[0], probe[1], false);
                    sites++;
                    return;
                }
                Integer id = callsToSynchronized.get(owner + "." + name + descriptor);
                if (id != null) {
                    hook("monitorEntering", id); // the callee's own entry takes the monitor: time from here
                }
                super.call(opcode, owner, name, descriptor, isInterface);
            }

            /**
             * A deferred hook never goes between a label and a NEW: a stack map frame names an uninitialized
             * object by the label of its NEW, and javac's try-start label is that label when the block begins
             * with {@code new}. The hook then follows the NEW instead, which leaves the stack as it was.
             */
            @Override
            public void visitTypeInsn(int opcode, String type) {
                if (opcode == Opcodes.NEW && pendingHook != null) {
                    String hook = pendingHook;
                    pendingHook = null;
                    super.visitTypeInsn(opcode, type);
                    defer(hook, pendingId);
                    return;
                }
                super.visitTypeInsn(opcode, type);
            }

            private void defer(String hook, int id) {
                pendingHook = hook;
                pendingId = id;
            }

            /** Emitted straight to the next visitor: our own code is not the application's, so not tracked. */
            private void hook(String hook, int id) {
                mv.visitLdcInsn(id);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, PROBE, hook, "(I)V", false);
                sites++;
            }

            @Override
            public void visitMaxs(int maxStack, int maxLocals) {
                super.visitMaxs(maxStack + 1, maxLocals);
            }
        };
    }
}
