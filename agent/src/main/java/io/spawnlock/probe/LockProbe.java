package io.spawnlock.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Entry points called by rewritten lock sites in application classes, and the per-thread record of which
 * spawn locks a thread holds (so that dumps and spawn attribution never need a safepoint).
 *
 * <p>Lives in the boot loader: java.base only, never {@code synchronized}, never throws into the caller.
 * Per-thread state is a {@link ThreadLocal}, so it follows the Java thread, virtual threads included.
 *
 * <p>Cost is the point here: an uncontended acquire+release must cost little more than its clock reads.
 * So the hot path takes no lock and almost no atomic instruction:
 * <ul>
 * <li>a finished acquire+release is one event in a small per-thread buffer, written with plain stores and
 * published with one ordered store; the agent thread drains the buffers into plain histograms
 * ({@link #drain}) every interval, and a thread that fills its buffer before that drains it itself
 * (never dropped, never waited on);</li>
 * <li>the per-lock acquisition count (for the overtaken count) is bumped while holding the lock, so the
 * lock itself orders the writers: a plain read and an ordered store, no read-modify-write;</li>
 * <li>a non-fair {@code ReentrantLock} is tried first, as its own {@code lock()} does: taken at once, it
 * waited for nothing and needs neither a clock read nor the waiter count.</li>
 * </ul>
 */
public final class LockProbe {
    /** Deeper nesting than this is not tracked (and never breaks anything). */
    static final int MAX_DEPTH = 32;

    private static final ThreadStates<Held> HELD = new ThreadStates<Held>() {
        @Override
        protected Held create(Thread owner) {
            return new Held(owner);
        }

        @Override
        protected Thread ownerOf(Held h) {
            return h.owner;
        }

        @Override
        protected boolean finished(Held h) {
            EventBuffer events = h.events;
            return events == null || events.isEmpty(); // an ended thread's last events are drained first
        }
    };

    private static volatile LockListener listener;
    /** Each release goes straight to the listener instead of the thread's buffer (while a JFR recording runs). */
    private static volatile boolean direct;

    private static volatile Throwable listenerFailure;
    /** Per lock id; replaced whole (copy on write) when a lock is registered. */
    private static volatile Counters[] counters = new Counters[0];

    private LockProbe() {}

    /** Whether each release is delivered at once, on the releasing thread (for per-event JFR), or buffered. */
    public static void deliverDirectly(boolean on) {
        direct = on;
    }

    public static void setListener(LockListener newListener) {
        listener = newListener;
    }

    public static Throwable listenerFailure() {
        return listenerFailure;
    }

    /** Makes room for lock {@code id}; called by the agent before any site using it is rewritten. */
    public static void register(int id) {
        Counters[] current = counters;
        if (id < current.length && current[id] != null) {
            return;
        }
        Counters[] grown = java.util.Arrays.copyOf(current, Math.max(current.length, id + 1));
        grown[id] = new Counters();
        counters = grown;
    }

    // ---- monitors: calls placed around MONITORENTER / MONITOREXIT

    /**
     * Just before MONITORENTER of spawn lock {@code id}, or a call to a synchronized method that is one. The
     * monitor itself is not passed: the copy cost ~10 ns per uncontended acquisition, and a dump finds a
     * monitor's waiters through the JVM by the identity discovery read, where no probe sees them.
     */
    public static void monitorEntering(int id) {
        Counters c = counters(id);
        if (c != null) {
            entering(c, id);
        }
    }

    private static void entering(Counters c, int id) {
        long asked = System.nanoTime(); // first: the wait starts when the thread asks, not after our bookkeeping
        Held h = c.heldByCurrentThread();
        h.pendingSeq = c.acquisitions.get();
        c.arrivals.incrementAndGet();
        h.pendingStart = asked;
        h.pendingId = id; // last: a dump that sees it sees the start too
    }

    /** Just after MONITORENTER of lock {@code id} (after javac's try-start label). */
    public static void monitorEntered(int id) {
        Counters c = counters(id);
        if (c == null) {
            return;
        }
        Held h = c.heldByCurrentThread();
        if (h.pendingId == id) { // else the enter was not seen (rewritten while this thread was inside)
            lockAcquired(c, h, id, true);
        }
    }

    /**
     * First thing in a synchronized method that is a spawn lock (the monitor is held already). The wait
     * is known when the call site announced it with {@link #monitorEntering}; otherwise only the hold is,
     * and the acquisition still counts for the overtaken count of those waiting.
     */
    public static void synchronizedMethodEntered(int id) {
        Counters c = counters(id);
        if (c == null) {
            return;
        }
        Held h = c.heldByCurrentThread();
        if (h.pendingId == id) {
            lockAcquired(c, h, id, true);
            return;
        }
        c.acquiredAtOnce(true);
        h.push(id, System.nanoTime(), Held.UNKNOWN_WAIT, 0);
        c.holder = h;
    }

    /**
     * Just before MONITOREXIT of lock {@code id} on the normal path (so the waiters are counted while the
     * lock is still held), and just after it in javac's exceptional path.
     */
    public static void monitorExited(int id) {
        long now = System.nanoTime();
        Counters c = counters(id);
        if (c != null) {
            Held h = c.heldByCurrentThread();
            h.releaseAt(h.find(id), id, now, c.waiting());
        }
    }

    // ---- java.util.concurrent locks: these replace the calls themselves

    /** Replaces {@code lock.lock()} at a rewritten site. */
    public static void lock(Lock lock, int id) {
        Counters c = counters(id);
        if (c == null) {
            lock.lock();
            return;
        }
        boolean exclusive = isExclusive(lock);
        if (isNonFairReentrant(lock) && lock.tryLock()) { // what its lock() does first: same semantics
            heldAtOnce(c, id, true);
            return;
        }
        Held h = waiting(c, lock, id);
        try {
            lock.lock();
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        lockAcquired(c, h, id, exclusive);
    }

    /** Replaces {@code lock.lockInterruptibly()} at a rewritten site. */
    public static void lockInterruptibly(Lock lock, int id) throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            lock.lockInterruptibly();
            return;
        }
        Held h = waiting(c, lock, id);
        try {
            lock.lockInterruptibly();
        } catch (Throwable t) {
            stoppedWaiting(c, h); // interrupted: it stopped waiting without the lock
            throw t;
        }
        lockAcquired(c, h, id, isExclusive(lock));
    }

    /** Replaces {@code lock.tryLock()}: it never waits, so a success is an acquisition with no wait. */
    public static boolean tryLock(Lock lock, int id) {
        Counters c = counters(id);
        boolean got = lock.tryLock();
        if (got && c != null) {
            heldAtOnce(c, id, isExclusive(lock));
        }
        return got;
    }

    /** Replaces {@code lock.tryLock(time, unit)}: a wait that ends with the lock or without it. */
    public static boolean tryLock(Lock lock, long time, TimeUnit unit, int id) throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            return lock.tryLock(time, unit);
        }
        Held h = waiting(c, lock, id);
        boolean got;
        try {
            got = lock.tryLock(time, unit);
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        return acquiredIf(got, c, h, id, isExclusive(lock));
    }

    /** Replaces {@code lock.unlock()} at a rewritten site. */
    public static void unlock(Lock lock, int id) {
        Counters c = counters(id);
        if (c == null) {
            lock.unlock();
            return;
        }
        Held h = releasing(c, id);
        lock.unlock(); // exactly as the application asked; if it throws, nothing is recorded
        h.released(id);
    }

    // ---- permits: a Semaphore around a spawn is a gate of several holders (never exclusive)

    /** Replaces {@code semaphore.acquire()}. */
    public static void acquire(Semaphore s, int id) throws InterruptedException {
        acquire(s, 1, id);
    }

    /** Replaces {@code semaphore.acquire(permits)}. */
    public static void acquire(Semaphore s, int permits, int id) throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            s.acquire(permits);
            return;
        }
        Held h = waiting(c, s, id);
        try {
            s.acquire(permits);
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        lockAcquired(c, h, id, false);
    }

    /** Replaces {@code semaphore.acquireUninterruptibly()}. */
    public static void acquireUninterruptibly(Semaphore s, int id) {
        acquireUninterruptibly(s, 1, id);
    }

    /** Replaces {@code semaphore.acquireUninterruptibly(permits)}. */
    public static void acquireUninterruptibly(Semaphore s, int permits, int id) {
        Counters c = counters(id);
        if (c == null) {
            s.acquireUninterruptibly(permits);
            return;
        }
        Held h = waiting(c, s, id);
        try {
            s.acquireUninterruptibly(permits);
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        lockAcquired(c, h, id, false);
    }

    /** Replaces {@code semaphore.tryAcquire()}. */
    public static boolean tryAcquire(Semaphore s, int id) {
        return tryAcquire(s, 1, id);
    }

    /** Replaces {@code semaphore.tryAcquire(permits)}. */
    public static boolean tryAcquire(Semaphore s, int permits, int id) {
        Counters c = counters(id);
        boolean got = s.tryAcquire(permits);
        if (got && c != null) {
            heldAtOnce(c, id, false);
        }
        return got;
    }

    /** Replaces {@code semaphore.tryAcquire(time, unit)}. */
    public static boolean tryAcquire(Semaphore s, long time, TimeUnit unit, int id) throws InterruptedException {
        return tryAcquire(s, 1, time, unit, id);
    }

    /** Replaces {@code semaphore.tryAcquire(permits, time, unit)}. */
    public static boolean tryAcquire(Semaphore s, int permits, long time, TimeUnit unit, int id)
            throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            return s.tryAcquire(permits, time, unit);
        }
        Held h = waiting(c, s, id);
        boolean got;
        try {
            got = s.tryAcquire(permits, time, unit);
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        return acquiredIf(got, c, h, id, false);
    }

    /** Replaces {@code semaphore.release()}. */
    public static void release(Semaphore s, int id) {
        release(s, 1, id);
    }

    /**
     * Replaces {@code semaphore.release(permits)}. A permit given back by another thread than the one that
     * took it ends no hold of this thread's, so it records nothing.
     */
    public static void release(Semaphore s, int permits, int id) {
        Counters c = counters(id);
        if (c == null) {
            s.release(permits);
            return;
        }
        Held h = releasing(c, id);
        s.release(permits);
        h.released(id);
    }

    // ---- stamps: a StampedLock's write stamp is exclusive, its read stamps are not; stamp 0 is a failed try

    /** Replaces {@code stampedLock.writeLock()}. */
    public static long writeLock(StampedLock l, int id) {
        Counters c = counters(id);
        if (c == null) {
            return l.writeLock();
        }
        long stamp = l.tryWriteLock();
        if (stamp != 0) {
            heldAtOnce(c, id, true);
            return stamp;
        }
        Held h = waiting(c, l, id);
        try {
            stamp = l.writeLock();
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        lockAcquired(c, h, id, true);
        return stamp;
    }

    /** Replaces {@code stampedLock.readLock()}. */
    public static long readLock(StampedLock l, int id) {
        Counters c = counters(id);
        if (c == null) {
            return l.readLock();
        }
        Held h = waiting(c, l, id);
        long stamp;
        try {
            stamp = l.readLock();
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        lockAcquired(c, h, id, false);
        return stamp;
    }

    /** Replaces {@code stampedLock.writeLockInterruptibly()}. */
    public static long writeLockInterruptibly(StampedLock l, int id) throws InterruptedException {
        return stampWait(l, true, -1, null, id);
    }

    /** Replaces {@code stampedLock.readLockInterruptibly()}. */
    public static long readLockInterruptibly(StampedLock l, int id) throws InterruptedException {
        return stampWait(l, false, -1, null, id);
    }

    /** Replaces {@code stampedLock.tryWriteLock(time, unit)}. */
    public static long tryWriteLock(StampedLock l, long time, TimeUnit unit, int id) throws InterruptedException {
        return stampWait(l, true, time, unit, id);
    }

    /** Replaces {@code stampedLock.tryReadLock(time, unit)}. */
    public static long tryReadLock(StampedLock l, long time, TimeUnit unit, int id) throws InterruptedException {
        return stampWait(l, false, time, unit, id);
    }

    /** An interruptible stamp wait, unbounded when {@code unit} is null; 0 when it timed out. */
    private static long stampWait(StampedLock l, boolean write, long time, TimeUnit unit, int id)
            throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            return takeStamp(l, write, time, unit);
        }
        Held h = waiting(c, l, id);
        long stamp;
        try {
            stamp = takeStamp(l, write, time, unit);
        } catch (Throwable t) {
            stoppedWaiting(c, h);
            throw t;
        }
        acquiredIf(stamp != 0, c, h, id, write);
        return stamp;
    }

    private static long takeStamp(StampedLock l, boolean write, long time, TimeUnit unit) throws InterruptedException {
        if (unit == null) {
            return write ? l.writeLockInterruptibly() : l.readLockInterruptibly();
        }
        return write ? l.tryWriteLock(time, unit) : l.tryReadLock(time, unit);
    }

    /** Replaces {@code stampedLock.tryWriteLock()}. */
    public static long tryWriteLock(StampedLock l, int id) {
        long stamp = l.tryWriteLock();
        Counters c = counters(id);
        if (stamp != 0 && c != null) {
            heldAtOnce(c, id, true);
        }
        return stamp;
    }

    /** Replaces {@code stampedLock.tryReadLock()}. */
    public static long tryReadLock(StampedLock l, int id) {
        long stamp = l.tryReadLock();
        Counters c = counters(id);
        if (stamp != 0 && c != null) {
            heldAtOnce(c, id, false);
        }
        return stamp;
    }

    /** Replaces {@code stampedLock.unlockWrite(stamp)}. */
    public static void unlockWrite(StampedLock l, long stamp, int id) {
        Counters c = counters(id);
        if (c == null) {
            l.unlockWrite(stamp);
            return;
        }
        Held h = releasing(c, id);
        l.unlockWrite(stamp);
        h.released(id);
    }

    /** Replaces {@code stampedLock.unlockRead(stamp)}. */
    public static void unlockRead(StampedLock l, long stamp, int id) {
        Counters c = counters(id);
        if (c == null) {
            l.unlockRead(stamp);
            return;
        }
        Held h = releasing(c, id);
        l.unlockRead(stamp);
        h.released(id);
    }

    /** Replaces {@code stampedLock.unlock(stamp)}. */
    public static void unlock(StampedLock l, long stamp, int id) {
        Counters c = counters(id);
        if (c == null) {
            l.unlock(stamp);
            return;
        }
        Held h = releasing(c, id);
        l.unlock(stamp);
        h.released(id);
    }

    // ---- what every gate shares

    /** The slow path of a Lock: the thread may wait; it shows in dumps as waiting from now. */
    private static Held waiting(Counters c, Object lock, int id) {
        long asked = System.nanoTime(); // first: the wait starts when the thread asks, not after our bookkeeping
        c.saw(lock);
        Held h = c.heldByCurrentThread();
        h.pendingSeq = c.acquisitions.get();
        c.arrivals.incrementAndGet();
        h.pendingStart = asked;
        h.pendingId = id;
        return h;
    }

    private static void stoppedWaiting(Counters c, Held h) {
        h.pendingId = -1;
        c.arrivals.decrementAndGet();
    }

    /** The end of a wait that may fail (a timed try): the lock is held, or the thread stopped waiting. */
    private static boolean acquiredIf(boolean got, Counters c, Held h, int id, boolean exclusive) {
        if (got) {
            lockAcquired(c, h, id, exclusive);
        } else {
            stoppedWaiting(c, h);
        }
        return got;
    }

    /** Taken without waiting (a fast path or an untimed try): held from now, a wait of zero. */
    private static void heldAtOnce(Counters c, int id, boolean exclusive) {
        long now = System.nanoTime(); // taken at once: nobody waits, so nothing for a dump to find by it
        c.acquiredAtOnce(exclusive);
        Held h = c.heldByCurrentThread();
        h.push(id, now, 0, 0);
        if (exclusive) {
            c.holder = h;
        }
    }

    /** A thread that announced its wait ({@link #waiting}, {@link #monitorEntering}) holds the lock now. */
    private static void lockAcquired(Counters c, Held h, int id, boolean exclusive) {
        long now = System.nanoTime();
        h.pendingId = -1;
        long overtaken = c.acquiredAfterWaiting(exclusive) - h.pendingSeq;
        h.push(id, now, now - h.pendingStart, overtaken);
        if (exclusive) {
            c.holder = h;
        }
    }

    /**
     * Before a release: the time and the waiters are taken while the lock is still held (a waiter may take
     * it at once), into the releasing thread's own state; {@link Held#released} records them after it.
     */
    private static Held releasing(Counters c, int id) {
        long now = System.nanoTime();
        long waiters = c.waiting();
        Held h = c.heldByCurrentThread();
        h.releasingAt = h.find(id);
        h.releasingNow = now;
        h.releasingWaiters = waiters;
        return h;
    }

    /** Only a lock no other thread can hold at the same time may count its acquisitions with plain stores. */
    private static boolean isExclusive(Lock lock) {
        return lock instanceof ReentrantLock || lock instanceof ReentrantReadWriteLock.WriteLock;
    }

    private static boolean isNonFairReentrant(Lock lock) {
        return lock.getClass() == ReentrantLock.class && !((ReentrantLock) lock).isFair();
    }

    // ---- waits and broadcasts under a spawn lock: these replace the calls themselves (in rewritten classes).
    // Attributed to the innermost spawn lock the calling thread holds; a call holding none is passed through.

    /** Replaces {@code monitor.wait()}. */
    public static void waitOn(Object monitor) throws InterruptedException {
        int id = waitBegins();
        try {
            monitor.wait();
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code monitor.wait(millis)}. */
    public static void waitOn(Object monitor, long millis) throws InterruptedException {
        int id = waitBegins();
        try {
            monitor.wait(millis);
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code monitor.wait(millis, nanos)}. */
    public static void waitOn(Object monitor, long millis, int nanos) throws InterruptedException {
        int id = waitBegins();
        try {
            monitor.wait(millis, nanos);
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code condition.await()}. */
    public static void await(Condition condition) throws InterruptedException {
        int id = waitBegins();
        try {
            condition.await();
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code condition.awaitUninterruptibly()}. */
    public static void awaitUninterruptibly(Condition condition) {
        int id = waitBegins();
        try {
            condition.awaitUninterruptibly();
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code condition.awaitNanos(nanos)}. */
    public static long awaitNanos(Condition condition, long nanos) throws InterruptedException {
        int id = waitBegins();
        try {
            return condition.awaitNanos(nanos);
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code condition.await(time, unit)}. */
    public static boolean await(Condition condition, long time, TimeUnit unit) throws InterruptedException {
        int id = waitBegins();
        try {
            return condition.await(time, unit);
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code condition.awaitUntil(deadline)}. */
    public static boolean awaitUntil(Condition condition, Date deadline) throws InterruptedException {
        int id = waitBegins();
        try {
            return condition.awaitUntil(deadline);
        } finally {
            waitEnded(id);
        }
    }

    /** Replaces {@code monitor.notifyAll()}. */
    public static void notifyAllOn(Object monitor) {
        int id = innermostMeasured();
        long waiters = id < 0 ? 0 : counters(id).inWait.get(); // before the call: they are the ones it moves
        monitor.notifyAll();
        broadcastDone(id, waiters);
    }

    /** Replaces {@code condition.signalAll()}. */
    public static void signalAll(Condition condition) {
        int id = innermostMeasured();
        long waiters = id < 0 ? 0 : counters(id).inWait.get();
        condition.signalAll();
        broadcastDone(id, waiters);
    }

    /** The innermost spawn lock {@code h}'s thread holds if it is measured, or -1. */
    private static int innermostMeasured(Held h) {
        int id = h.innermost();
        return id >= 0 && counters(id) != null ? id : -1;
    }

    private static int innermostMeasured() {
        return innermostMeasured(HELD.get());
    }

    /** Before a wait: a thread woken under this lock that waits again without having released it woke for nothing. */
    private static int waitBegins() {
        Held h = HELD.get();
        int id = innermostMeasured(h);
        if (id < 0) {
            return -1;
        }
        if (h.wokenId == id) {
            long futile = System.nanoTime() - h.wokenAt;
            LockListener l = listener;
            if (l != null) {
                try {
                    l.futileWakeup(id, futile);
                } catch (Throwable t) {
                    dropListener(t);
                }
            }
        }
        h.wokenId = -1;
        counters(id).inWait.incrementAndGet();
        return id;
    }

    private static void waitEnded(int id) {
        if (id < 0) {
            return;
        }
        counters(id).inWait.decrementAndGet();
        Held h = HELD.get();
        h.wokenAt = System.nanoTime();
        h.wokenId = id;
    }

    private static void broadcastDone(int id, long waiters) {
        LockListener l = listener;
        if (id < 0 || l == null) {
            return;
        }
        try {
            l.broadcast(id, waiters);
        } catch (Throwable t) {
            dropListener(t);
        }
    }

    /** A listener that threw is dropped: the application goes on unmeasured, the agent reports it once. */
    private static void dropListener(Throwable t) {
        listener = null;
        listenerFailure = t;
    }

    // ---- for the agent

    /** The innermost spawn lock the current thread holds, or -1. */
    public static int innermostHeld() {
        return HELD.get().innermost();
    }

    /** How long the current thread waited for its innermost held spawn lock; -1 if none or not seen. */
    public static long innermostWait() {
        Held h = HELD.get();
        return h.depth == 0 ? -1 : h.waited[Math.min(h.depth, MAX_DEPTH) - 1];
    }

    /**
     * Delivers every finished acquire+release recorded so far to the listener; on the agent thread only
     * (one consumer at a time). Forgets the threads that have ended once their events are out.
     */
    public static void drain() {
        LockListener l = listener;
        for (Held h : HELD.all()) {
            EventBuffer events = h.events;
            if (events != null) {
                events.drainTo(l);
            }
        }
        for (Counters c : counters) {
            Held last = c == null ? null : c.holder;
            if (last != null && !last.owner.isAlive()) {
                c.holder = null; // an ended thread's state is not kept for the lock's sake
            }
        }
        HELD.forgetEnded();
    }

    /**
     * What every live thread holds and waits for, read without stopping it (so a thread that moves on
     * meanwhile may show its state of a moment ago). For dumps; allocates, never on a hot path.
     */
    public static List<ThreadLocks> threads() {
        List<ThreadLocks> all = new ArrayList<>();
        for (Held h : HELD.live()) {
            int depth = Math.min(h.depth, MAX_DEPTH);
            int pending = h.pendingId;
            if (depth == 0 && pending < 0) {
                continue;
            }
            all.add(new ThreadLocks(h.owner, Arrays.copyOf(h.ids, depth), Arrays.copyOf(h.since, depth), pending,
                    h.pendingStart, pending < 0 ? 0 : acquisitionsOf(pending) - h.pendingSeq));
        }
        return all;
    }

    /** One thread's spawn locks at the moment of a dump. */
    public static final class ThreadLocks {
        public final Thread thread;
        /** Held lock ids, outermost first, and since when (System.nanoTime) each is held. */
        public final int[] held;
        public final long[] heldSince;
        /** The lock it waits for, or -1; since when; acquisitions by others since it started waiting. */
        public final int waitingFor;
        public final long waitingSince;
        public final long overtaken;

        ThreadLocks(Thread thread, int[] held, long[] heldSince, int waitingFor, long waitingSince, long overtaken) {
            this.thread = thread;
            this.held = held;
            this.heldSince = heldSince;
            this.waitingFor = waitingFor;
            this.waitingSince = waitingSince;
            this.overtaken = overtaken;
        }
    }

    /** The object last taken as spawn lock {@code id}, or null (for dumps). */
    public static Object lockObject(int id) {
        Counters c = counters(id);
        return c == null ? null : c.object;
    }

    private static long acquisitionsOf(int id) {
        Counters c = counters(id);
        return c == null ? 0 : c.acquisitions.get();
    }

    private static Counters counters(int id) {
        Counters[] all = counters;
        return id >= 0 && id < all.length ? all[id] : null;
    }

    private static void deliver(LockListener l, int id, long waitNanos, long overtaken, long holdNanos, long waiters,
                                boolean drained) {
        if (l != null) {
            try {
                l.acquiredAndReleased(id, waitNanos, overtaken, holdNanos, waiters, drained);
            } catch (Throwable t) {
                dropListener(t);
            }
        }
    }

    private static final class Counters {
        /** Acquisitions at instrumented sites. Written only by the holder (ordered store) for exclusive locks. */
        final AtomicLong acquisitions = new AtomicLong();
        /** Threads that started waiting at an instrumented site, and of those, the ones that got the lock. */
        final AtomicLong arrivals = new AtomicLong();
        final AtomicLong arrivalsServed = new AtomicLong();
        /** Threads in a wait (at a rewritten site) under this lock now: what a notifyAll/signalAll moves. */
        final AtomicLong inWait = new AtomicLong();
        /**
         * The Lock, Semaphore or StampedLock last waited for at a rewritten site (one of them, for a lock named
         * by a field of many instances): how a dump finds the lock's waiters in the JVM's own view. Set on the
         * slow path only, where a thread waits. A racy plain field, written only when it changes; it keeps that
         * one object reachable.
         */
        Object object;

        void saw(Object lock) {
            if (object != lock) {
                object = lock;
            }
        }
        /**
         * The state of the thread that last took this lock exclusively at an instrumented site. Written by
         * that thread while it holds the lock, so a holder reading it at its release sees its own state
         * (the lock orders the writes) and needs no thread-local lookup. A thread reading it without the lock
         * (entering) may see any taker's state, but a state's owner is final: if the owner is this thread,
         * the state is this thread's own. So a thread taking the same lock again, the common uncontended
         * case, never looks up its thread-local.
         */
        Held holder;

        /** The current thread's state: the last holder's if it is this thread, else from the thread-local. */
        Held heldByCurrentThread() {
            Held h = holder;
            return h != null && h.owner == Thread.currentThread() ? h : HELD.get();
        }

        /** Counts an acquisition of a thread that waited (or may have); returns the acquisitions before it. */
        long acquiredAfterWaiting(boolean exclusive) {
            if (exclusive) {
                arrivalsServed.lazySet(arrivalsServed.get() + 1);
            } else {
                arrivalsServed.incrementAndGet();
            }
            return acquiredAtOnce(exclusive);
        }

        long acquiredAtOnce(boolean exclusive) {
            if (exclusive) {
                long before = acquisitions.get();
                acquisitions.lazySet(before + 1);
                return before;
            }
            return acquisitions.getAndIncrement();
        }

        /** Threads waiting at an instrumented site now; read by the holder as it releases. */
        long waiting() {
            return Math.max(0, arrivals.get() - arrivalsServed.get());
        }
    }

    /** One thread's held spawn locks, innermost last, the enter it is waiting in, and its finished events. */
    private static final class Held {
        /** Wait of an acquisition whose start was not seen (a synchronized method called from elsewhere). */
        static final long UNKNOWN_WAIT = -1;

        final Thread owner;
        final int[] ids = new int[MAX_DEPTH];
        final long[] since = new long[MAX_DEPTH];
        final long[] waited = new long[MAX_DEPTH];
        final long[] overtakenBy = new long[MAX_DEPTH];
        int depth;
        int pendingId = -1;
        long pendingStart;
        long pendingSeq;
        /** Taken by {@link LockProbe#releasing} just before a release, recorded by {@link #released} after it. */
        int releasingAt;
        long releasingNow;
        long releasingWaiters;
        /** The lock whose wait this thread last returned from, until it releases it (-1: none); and when. */
        int wokenId = -1;
        long wokenAt;
        /** Created with the first event (most threads that touch the probe never release a spawn lock); read by the drainer. */
        volatile EventBuffer events;

        Held(Thread owner) {
            this.owner = owner;
        }

        void push(int id, long now, long waitNanos, long overtaken) {
            if (depth < MAX_DEPTH) {
                ids[depth] = id;
                since[depth] = now;
                waited[depth] = waitNanos;
                overtakenBy[depth] = overtaken;
            }
            depth++;
        }

        /** The innermost lock held, or -1. */
        int innermost() {
            return depth == 0 ? -1 : ids[Math.min(depth, MAX_DEPTH) - 1];
        }

        /** Index of the innermost entry of lock {@code id}, or -1. */
        int find(int id) {
            for (int i = Math.min(depth, MAX_DEPTH) - 1; i >= 0; i--) {
                if (ids[i] == id) {
                    return i;
                }
            }
            return -1;
        }

        /** The release prepared by {@link LockProbe#releasing} happened: record it. */
        void released(int id) {
            releaseAt(releasingAt, id, releasingNow, releasingWaiters);
        }

        /** Records the acquire+release of the entry at {@code at} and removes it, with what it left above. */
        void releaseAt(int at, int id, long now, long waiters) {
            if (wokenId == id) {
                wokenId = -1; // it woke and went on to release the lock: that wakeup was not futile
            }
            if (at < 0) {
                if (depth > MAX_DEPTH) {
                    depth--; // an untracked deep entry
                }
                return;
            }
            depth = at; // entries above were left by exits we never saw: drop them with it
            long hold = now - since[at];
            if (direct) { // a JFR recording runs: the listener hears this on the releasing thread
                deliver(listener, id, waited[at], overtakenBy[at], hold, waiters, false);
                return;
            }
            EventBuffer buffer = events;
            if (buffer == null) {
                buffer = new EventBuffer();
                events = buffer;
            }
            if (!buffer.add(id, waited[at], overtakenBy[at], hold, waiters)
                    && !(drainOwn(buffer) && buffer.add(id, waited[at], overtakenBy[at], hold, waiters))) {
                deliver(listener, id, waited[at], overtakenBy[at], hold, waiters, false);
            }
        }

        /**
         * The buffer is full (a busy thread, between two drains of the agent thread): this thread drains it
         * itself if no one else is draining, which costs it one uncontended lock per buffer. Otherwise the
         * caller records the event the slow way; nothing is dropped, nobody waits.
         */
        private static boolean drainOwn(EventBuffer buffer) {
            LockListener l = listener;
            if (l == null || !l.beginDrain()) {
                return false;
            }
            try {
                buffer.drainTo(l);
            } finally {
                l.endDrain();
            }
            return true;
        }
    }

    /**
     * A single-producer (the owning thread), single-consumer (the agent thread) ring of finished
     * acquire+release events, three longs each: id, waiters and overtaken packed; wait; hold.
     */
    static final class EventBuffer {
        static final int CAPACITY = 256;
        private static final int LONGS = 3;
        private static final long FIELD_MASK = (1L << 22) - 1;

        private final long[] slots = new long[CAPACITY * LONGS];
        /** Next event to write; written by the producer only, read by the consumer. */
        private final AtomicLong tail = new AtomicLong();
        /** Next event to read; written by the consumer only, read by the producer. */
        private final AtomicLong head = new AtomicLong();

        /** False when full: the caller delivers the event itself. */
        boolean add(int id, long waitNanos, long overtaken, long holdNanos, long waiters) {
            long t = tail.get();
            if (t - head.get() >= CAPACITY) {
                return false;
            }
            int at = (int) (t % CAPACITY) * LONGS;
            slots[at] = ((long) id << 44) | (Math.min(waiters, FIELD_MASK) << 22) | Math.min(Math.max(overtaken, 0), FIELD_MASK);
            slots[at + 1] = waitNanos;
            slots[at + 2] = holdNanos;
            tail.lazySet(t + 1); // publishes the three stores above to the consumer
            return true;
        }

        boolean isEmpty() {
            return tail.get() == head.get();
        }

        void drainTo(LockListener l) {
            long h = head.get();
            long t = tail.get();
            for (; h < t; h++) {
                int at = (int) (h % CAPACITY) * LONGS;
                long packed = slots[at];
                deliver(l, (int) (packed >>> 44), slots[at + 1], packed & FIELD_MASK, slots[at + 2],
                        (packed >>> 22) & FIELD_MASK, true);
            }
            head.lazySet(t); // the slots may be written again
        }
    }
}
