package io.spawnlock.locks;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.ClassFiles;
import io.spawnlock.bytecode.ClassRewrite;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.probe.RecordingLockListener;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.ModifierAdjustment;
import net.bytebuddy.description.modifier.SynchronizationState;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

/** A synchronized method rewritten as a block: same monitor, same results, every exit releases it, and timed. */
class SynchronizedToBlockTest {
    public static final class Gate {
        public static volatile CountDownLatch entered = new CountDownLatch(1);
        public static volatile CountDownLatch leave = new CountDownLatch(0);

        public synchronized boolean holdsItself() throws InterruptedException {
            entered.countDown();
            leave.await(5, TimeUnit.SECONDS);
            return Thread.holdsLock(this);
        }

        public synchronized int fails(int x) {
            try {
                if (x > 0) {
                    throw new IllegalStateException("thrown " + x);
                }
            } catch (IllegalArgumentException e) {
                return -1; // the body's own handler: never reached, it must not hide ours
            }
            return x;
        }

        public static synchronized boolean staticHoldsClass() {
            return Thread.holdsLock(Gate.class);
        }
    }

    private static final int ID = 500;

    private static Class<?> rewritten() throws Exception {
        String name = Gate.class.getName();
        byte[] original = ClassFiles.of(Gate.class);
        byte[] bytes = ClassRewrite.apply(name, original, ClassFileLocator.ForClassLoader.of(Gate.class.getClassLoader()),
                new ModifierAdjustment().withMethodModifiers(named("holdsItself").or(named("fails")).or(named("staticHoldsClass")),
                        SynchronizationState.PLAIN),
                new AsmVisitorWrapper.ForDeclaredMethods().invokable(
                        named("holdsItself").or(named("fails")).or(named("staticHoldsClass")), new SynchronizedToBlock(ID)));
        return ClassFiles.defineAlone(name, bytes, Gate.class.getClassLoader()); // verified as it is defined
    }

    @Test
    void theSameMonitorIsHeldAndReleasedOnEveryExitAndTheWaitIsTimedInside() throws Exception {
        RecordingLockListener recorded = new RecordingLockListener();
        List<long[]> events = recorded.events;
        LockProbe.register(ID);
        LockProbe.drain();
        LockProbe.setListener(recorded);
        try {
            Class<?> gate = rewritten();
            Method holds = gate.getMethod("holdsItself");
            assertFalse(Modifier.isSynchronized(holds.getModifiers()), "the modifier became the block");
            Object g = gate.getConstructor().newInstance();
            assertEquals(true, holds.invoke(g));
            assertEquals(true, gate.getMethod("staticHoldsClass").invoke(null));
            try {
                gate.getMethod("fails", int.class).invoke(g, 3);
            } catch (InvocationTargetException e) {
                assertEquals("thrown 3", e.getCause().getMessage(), "the exception passes through unchanged");
            }
            assertFalse(Thread.holdsLock(g), "released on the exceptional exit");
            assertEquals(0, gate.getMethod("fails", int.class).invoke(g, 0));

            // a second caller blocks on the same monitor, and its wait is timed inside the method
            gate.getField("entered").set(null, new CountDownLatch(1));
            CountDownLatch leave = new CountDownLatch(1);
            gate.getField("leave").set(null, leave);
            Thread holder = new Thread(() -> call(holds, g));
            holder.start();
            ((CountDownLatch) gate.getField("entered").get(null)).await();
            Thread waiter = new Thread(() -> call(holds, g));
            waiter.start();
            while (waiter.getState() != Thread.State.BLOCKED) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            leave.countDown();
            holder.join();
            waiter.join();
            LockProbe.drain();
            synchronized (events) {
                assertEquals(6, events.size(), "every call is one acquisition");
                assertTrue(events.stream().anyMatch(e -> e[1] >= 20_000_000L), "the blocked caller's wait");
            }
        } finally {
            LockProbe.setListener(null);
        }
    }

    private static void call(Method m, Object target) {
        try {
            m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
