package io.spawnlock.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the lock probe the way rewritten application code does, on real threads and locks. */
class LockProbeTest {
    /** Each test uses its own ids: the probe's counters are static. */
    private static int nextId = 100;
    private final RecordingLockListener recorded = new RecordingLockListener();
    private final List<long[]> events = recorded.events;
    private final List<long[]> broadcasts = recorded.broadcasts;
    private final List<long[]> futile = recorded.futile;
    private int id;

    @BeforeEach
    void listen() {
        id = nextId++;
        LockProbe.register(id);
        LockProbe.drain(); // nothing of other tests' left
        LockProbe.setListener(recorded);
    }

    @AfterEach
    void detach() {
        LockProbe.setListener(null);
    }

    private List<long[]> drained() {
        return recorded.drained();
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

    /** Runs {@code work} on a thread of its own once this thread holds the gate, and returns that thread. */
    private static Thread startedWhileHeld(ThrowingRunnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Waits until {@code t} parks (it waits for the gate). */
    private static void awaitParked(Thread t) throws InterruptedException {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
    }

    @Test
    void aSemaphorePermitWaitedForIsAnAcquisitionWithItsWait() throws Exception {
        Semaphore permits = new Semaphore(1);
        LockProbe.acquire(permits, id);
        Thread waiter = startedWhileHeld(() -> {
            LockProbe.acquire(permits, id);
            LockProbe.release(permits, id);
        });
        awaitParked(waiter);
        Thread.sleep(20);
        LockProbe.release(permits, id);
        waiter.join();
        List<long[]> e = drained();
        assertEquals(2, e.size());
        long[] first = e.get(0)[1] < e.get(1)[1] ? e.get(0) : e.get(1);
        long[] second = first == e.get(0) ? e.get(1) : e.get(0);
        assertEquals(1, first[4], "one thread waited for a permit when the first was given back");
        assertTrue(second[1] >= 20_000_000L, "the second waited while the first held: " + second[1]);
        assertEquals(1, permits.availablePermits());
    }

    @Test
    void aTimedTryThatFailsIsNoAcquisitionAndLeavesNoWaiterBehind() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock(); // held where the agent does not see it
        boolean[] got = new boolean[1];
        Thread t = startedWhileHeld(() -> got[0] = LockProbe.tryLock(lock, 10, TimeUnit.MILLISECONDS, id));
        t.join();
        assertTrue(!got[0]);
        lock.unlock();
        assertTrue(LockProbe.tryLock(lock, 1, TimeUnit.SECONDS, id));
        LockProbe.unlock(lock, id);
        List<long[]> e = drained();
        assertEquals(1, e.size(), "only the try that got the lock");
        assertEquals(0, e.get(0)[4], "the failed try is no longer counted as waiting");
        assertTrue(LockProbe.tryLock(lock, id), "an untimed try");
        LockProbe.unlock(lock, id);
        assertEquals(2, drained().size());
    }

    @Test
    void aStampedLocksWriteStampIsHeldUntilItsUnlock() throws Exception {
        StampedLock stamps = new StampedLock();
        long stamp = LockProbe.writeLock(stamps, id);
        assertEquals(id, LockProbe.innermostHeld());
        Thread reader = startedWhileHeld(() -> LockProbe.unlockRead(stamps, LockProbe.readLock(stamps, id), id));
        awaitParked(reader);
        Thread.sleep(10);
        LockProbe.unlockWrite(stamps, stamp, id);
        reader.join();
        List<long[]> e = drained();
        assertEquals(2, e.size());
        assertTrue(e.stream().anyMatch(x -> x[1] >= 10_000_000L), "the reader waited for the writer");
        assertTrue(!stamps.isWriteLocked() && !stamps.isReadLocked());
        long again = LockProbe.tryWriteLock(stamps, id);
        assertTrue(again != 0, "free again");
        LockProbe.unlock(stamps, again, id);
        assertEquals(-1, LockProbe.innermostHeld());
        assertEquals(1, drained().size() - 2);
    }

    @Test
    void aReleaseIsRecordedForTheReleasingThreadNotForTheLocksLastInstrumentedTaker() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        LockProbe.lock(lock, id); // this thread is the last to take it at an instrumented site...
        lock.unlock(); // ...and lets it go where the agent does not see it
        Thread other = new Thread(() -> {
            lock.lock(); // taken where the agent does not see it
            LockProbe.unlock(lock, id); // released at an instrumented site: this thread held nothing measured
        });
        other.start();
        other.join();
        assertEquals(id, LockProbe.innermostHeld(), "this thread's entry is not taken by the other's release");
        assertEquals(List.of(), drained());
        assertTrue(!lock.isLocked());
        lock.lock();
        LockProbe.unlock(lock, id);
        assertEquals(1, drained().size(), "this thread's own release closes its entry");
    }

    @Test
    void aThreadTakingALockAnotherThreadTookLastRecordsItInItsOwnState() throws Exception {
        Object monitor = new Object();
        ReentrantLock lock = new ReentrantLock();
        LockProbe.monitorEntering(id);
        synchronized (monitor) {
            LockProbe.monitorEntered(id);
            LockProbe.monitorExited(id);
        }
        LockProbe.lock(lock, id);
        LockProbe.unlock(lock, id); // this thread is the last taker of both
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int[] heldByOther = new int[2];
        Thread other = new Thread(() -> {
            try {
                LockProbe.monitorEntering(id);
                synchronized (monitor) {
                    LockProbe.monitorEntered(id);
                    heldByOther[0] = LockProbe.innermostHeld();
                    LockProbe.lock(lock, id);
                    heldByOther[1] = LockProbe.innermostHeld();
                    holding.countDown();
                    release.await();
                    LockProbe.unlock(lock, id);
                    LockProbe.monitorExited(id);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        holding.await();
        assertEquals(-1, LockProbe.innermostHeld(), "the other thread's acquisitions are not this thread's");
        release.countDown();
        other.join();
        assertEquals(id, heldByOther[0]);
        assertEquals(id, heldByOther[1]);
        assertEquals(4, drained().size(), "two acquire+release pairs per thread");
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
        recorded.drainFree = false;
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

            @Override
            public void broadcast(int lockId, long waiters) {
                throw boom;
            }

            @Override
            public void futileWakeup(int lockId, long nanos) {
                throw boom;
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

    /** Four consumers wait on a spawn-lock monitor; one item at a time, each announced with notifyAll. */
    @Test
    void notifyAllMovesEveryWaiterAndAllButOneWakeForNothing() throws Exception {
        Object monitor = new Object();
        int[] items = {0};
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                LockProbe.monitorEntering(id);
                synchronized (monitor) {
                    LockProbe.monitorEntered(id);
                    try {
                        while (items[0] == 0) {
                            LockProbe.waitOn(monitor);
                        }
                        items[0]--;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        LockProbe.monitorExited(id);
                    }
                }
            });
            t.start();
            consumers.add(t);
        }
        for (int remaining = 4; remaining > 0; remaining--) {
            awaitWaiting(consumers, remaining);
            LockProbe.monitorEntering(id);
            synchronized (monitor) {
                LockProbe.monitorEntered(id);
                items[0]++;
                LockProbe.notifyAllOn(monitor);
                LockProbe.monitorExited(id);
            }
            awaitFinished(consumers, 5 - remaining);
        }
        for (Thread t : consumers) {
            t.join(10_000);
        }
        synchronized (events) {
            assertEquals(List.of(4L, 3L, 2L, 1L), column(broadcasts, 1), "each notifyAll moved every waiter");
            assertEquals(3 + 2 + 1, futile.size(), "all but the one that took the item waited again");
            for (long[] f : futile) {
                assertEquals(id, f[0]);
                assertTrue(f[1] >= 0);
            }
        }
    }

    @Test
    void signalAllUnderAReentrantLockIsMeasuredAsNotifyAllIs() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        java.util.concurrent.locks.Condition ready = lock.newCondition();
        int[] items = {0};
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                LockProbe.lock(lock, id);
                try {
                    while (items[0] == 0) {
                        LockProbe.awaitUninterruptibly(ready);
                    }
                    items[0]--;
                } finally {
                    LockProbe.unlock(lock, id);
                }
            });
            t.start();
            consumers.add(t);
        }
        for (int remaining = 2; remaining > 0; remaining--) {
            awaitConditionWaiters(lock, ready, remaining);
            LockProbe.lock(lock, id);
            items[0]++;
            LockProbe.signalAll(ready);
            LockProbe.unlock(lock, id);
            awaitFinished(consumers, 3 - remaining);
        }
        synchronized (events) {
            assertEquals(List.of(2L, 1L), column(broadcasts, 1));
            assertEquals(1, futile.size());
        }
    }

    @Test
    void aWaitHoldingNoSpawnLockIsPassedThrough() throws Exception {
        Object monitor = new Object();
        synchronized (monitor) {
            LockProbe.waitOn(monitor, 1);
            LockProbe.waitOn(monitor, 1); // woken by the timeout, waits again: not under a spawn lock
            LockProbe.notifyAllOn(monitor);
        }
        assertThrows(IllegalMonitorStateException.class, () -> LockProbe.notifyAllOn(monitor), "as without the probe");
        synchronized (events) {
            assertEquals(List.of(), broadcasts);
            assertEquals(List.of(), futile);
        }
    }

    private static List<Long> column(List<long[]> rows, int i) {
        List<Long> values = new ArrayList<>();
        for (long[] r : rows) {
            values.add(r[i]);
        }
        return values;
    }

    /** Until {@code n} of the threads wait for a signal (not for the lock) and the rest have ended. */
    private static void awaitWaiting(List<Thread> threads, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int waiting = 0;
            for (Thread t : threads) {
                Thread.State s = t.getState();
                if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                    waiting++;
                }
            }
            if (waiting == n) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("threads never settled into " + n + " waiting");
    }

    /** A thread waiting for the lock is WAITING too: ask the lock how many wait for the condition itself. */
    private static void awaitConditionWaiters(ReentrantLock lock, java.util.concurrent.locks.Condition c, int n)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            lock.lock(); // the plain call: the probe sees nothing of it
            try {
                if (lock.getWaitQueueLength(c) == n && !lock.hasQueuedThreads()) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            Thread.sleep(1);
        }
        throw new AssertionError("never " + n + " waiting for the condition");
    }

    private static void awaitFinished(List<Thread> threads, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int ended = 0;
            for (Thread t : threads) {
                if (!t.isAlive()) {
                    ended++;
                }
            }
            if (ended >= n) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(n + " threads never ended");
    }
}
