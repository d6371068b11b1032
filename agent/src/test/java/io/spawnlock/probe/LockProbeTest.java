package io.spawnlock.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the lock probe the way rewritten application code does, on real threads and locks. */
class LockProbeTest {
    /** Each test uses its own ids: the probe's counters are static. */
    private static int nextId = 100;
    private final List<long[]> events = new ArrayList<>(); // {id, wait, overtaken, hold, waiters}
    private int id;
    /** Whether a thread with a full buffer may drain it itself (another drainer is busy when false). */
    private volatile boolean drainFree = true;

    @BeforeEach
    void listen() {
        id = nextId++;
        LockProbe.register(id);
        LockProbe.drain(); // nothing of other tests' left
        LockProbe.setListener(new LockListener() {
            @Override
            public void acquiredAndReleased(int lockId, long wait, long overtaken, long hold, long waiters, boolean drained) {
                synchronized (events) {
                    events.add(new long[] {lockId, wait, overtaken, hold, waiters});
                }
            }

            @Override
            public boolean beginDrain() {
                return drainFree;
            }

            @Override
            public void endDrain() {
            }
        });
    }

    @AfterEach
    void detach() {
        LockProbe.setListener(null);
    }

    private List<long[]> drained() {
        LockProbe.drain();
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    @Test
    void anUncontendedReentrantLockWaitsZeroAndHoldsWhatItHeld() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        LockProbe.lock(lock, id);
        assertEquals(id, LockProbe.innermostHeld());
        Thread.sleep(3);
        LockProbe.unlock(lock, id);
        assertEquals(-1, LockProbe.innermostHeld());
        assertEquals(List.of(), events, "buffered until drained");
        List<long[]> e = drained();
        assertEquals(1, e.size());
        assertEquals(id, e.get(0)[0]);
        assertEquals(0, e.get(0)[1], "taken at once: no wait");
        assertEquals(0, e.get(0)[2]);
        assertTrue(e.get(0)[3] >= 3_000_000L, "hold " + e.get(0)[3]);
        assertEquals(0, e.get(0)[4]);
        assertTrue(!lock.isLocked());
    }

    @Test
    void aWaiterSeesItsWaitTheQueueAndWhoOvertookIt() throws Exception {
        Object monitor = new Object();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            LockProbe.monitorEntering(id);
            synchronized (monitor) {
                LockProbe.monitorEntered(id);
                LockProbe.monitorExited(id); // where the rewrite puts it on the normal path
            }
        });
        LockProbe.monitorEntering(id);
        synchronized (monitor) {
            LockProbe.monitorEntered(id);
            waiter.start();
            waiting.await();
            while (waiter.getState() != Thread.State.BLOCKED) {
                Thread.sleep(1);
            }
            Thread.sleep(5);
            LockProbe.monitorExited(id); // one thread waits at this release
        }
        waiter.join();
        List<long[]> e = drained();
        assertEquals(2, e.size());
        long[] holder = e.get(0)[3] > e.get(1)[3] ? e.get(0) : e.get(1);
        long[] other = holder == e.get(0) ? e.get(1) : e.get(0);
        assertEquals(1, holder[4], "waiters at the holder's release");
        assertTrue(other[1] >= 5_000_000L, "the waiter's wait " + other[1]);
        assertEquals(0, other[2], "nobody else took the lock meanwhile");
        assertEquals(0, other[4]);
    }

    @Test
    void aFullBufferIsDrainedByItsOwnThreadAndNothingIsLost() {
        int n = LockProbe.EventBuffer.CAPACITY + 5;
        takeAndRelease(n);
        synchronized (events) {
            assertEquals(LockProbe.EventBuffer.CAPACITY, events.size(), "the full buffer, drained by its thread");
        }
        assertEquals(n, drained().size());
    }

    @Test
    void whileAnotherThreadDrainsAFullBufferRecordsTheEventDirectly() {
        drainFree = false;
        int n = LockProbe.EventBuffer.CAPACITY + 5;
        takeAndRelease(n);
        synchronized (events) {
            assertEquals(5, events.size(), "the ones that did not fit");
        }
        assertEquals(n, drained().size());
    }

    private void takeAndRelease(int times) {
        ReentrantLock lock = new ReentrantLock();
        for (int i = 0; i < times; i++) {
            LockProbe.lock(lock, id);
            LockProbe.unlock(lock, id);
        }
    }

    @Test
    void aFailedUnlockRecordsNothingAndThrowsAsBefore() {
        ReentrantLock lock = new ReentrantLock();
        assertThrows(IllegalMonitorStateException.class, () -> LockProbe.unlock(lock, id));
        assertEquals(List.of(), drained());
    }

    @Test
    void aThrowingListenerIsDroppedAndTheLockWorksOn() {
        RuntimeException boom = new IllegalStateException("boom");
        LockProbe.setListener(new LockListener() {
            @Override
            public void acquiredAndReleased(int lockId, long wait, long overtaken, long hold, long waiters, boolean drained) {
                throw boom;
            }

            @Override
            public boolean beginDrain() {
                return true;
            }

            @Override
            public void endDrain() {
            }
        });
        ReentrantLock lock = new ReentrantLock();
        LockProbe.lock(lock, id);
        LockProbe.unlock(lock, id);
        LockProbe.drain(); // delivers to the throwing listener: must not throw
        assertSame(boom, LockProbe.listenerFailure());
        LockProbe.lock(lock, id); // the lock still works for the application
        assertTrue(lock.isHeldByCurrentThread());
        LockProbe.unlock(lock, id);
        assertTrue(!lock.isLocked());
    }

    @Test
    void anUnregisteredLockIsPassedThroughUntouched() {
        ReentrantLock lock = new ReentrantLock();
        LockProbe.lock(lock, 9_999);
        assertTrue(lock.isHeldByCurrentThread());
        LockProbe.unlock(lock, 9_999);
        assertTrue(!lock.isLocked());
        assertEquals(List.of(), drained());
    }
}
