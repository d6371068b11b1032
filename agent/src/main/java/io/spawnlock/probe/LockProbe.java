package io.spawnlock.probe;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * Entry points called by rewritten lock sites in application classes, and the per-thread record of which
 * spawn locks a thread holds (so that dumps and spawn attribution never need a safepoint).
 *
 * <p>Lives in the boot loader: java.base only, never {@code synchronized}, never throws into the caller.
 * Per-thread state is a {@link ThreadLocal}, so it follows the Java thread, virtual threads included.
 */
public final class LockProbe {
    /** Deeper nesting than this is not tracked (and never breaks anything). */
    static final int MAX_DEPTH = 32;

    private static final ThreadLocal<Held> HELD = new ThreadLocal<Held>() {
        @Override
        protected Held initialValue() {
            return new Held();
        }
    };

    private static volatile LockListener listener;
    private static volatile Throwable listenerFailure;
    /** Per lock id; replaced whole (copy on write) when a lock is registered. */
    private static volatile Counters[] counters = new Counters[0];

    private LockProbe() {}

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

    /** Just before MONITORENTER of lock {@code id}. */
    public static void monitorEntering(int id) {
        Counters c = counters(id);
        if (c == null) {
            return;
        }
        Held h = HELD.get();
        h.pendingId = id;
        h.pendingSeq = c.acquisitions.get();
        c.waiting.incrementAndGet();
        h.pendingStart = System.nanoTime();
    }

    /** Just after MONITORENTER of lock {@code id} (after javac's try-start label). */
    public static void monitorEntered(int id) {
        long now = System.nanoTime();
        Counters c = counters(id);
        if (c == null) {
            return;
        }
        Held h = HELD.get();
        if (h.pendingId != id) {
            return; // the enter was not seen (rewritten while this thread was inside)
        }
        h.pendingId = -1;
        c.waiting.decrementAndGet();
        long overtaken = c.acquisitions.getAndIncrement() - h.pendingSeq;
        h.push(id, now);
        acquired(id, now - h.pendingStart, overtaken);
    }

    /**
     * First thing in a synchronized method that is a spawn lock (the monitor is held already). The wait
     * is known when the call site announced it with {@link #monitorEntering}; otherwise only the hold is,
     * and the acquisition still counts for the overtaken count of those waiting.
     */
    public static void synchronizedMethodEntered(int id) {
        Held h = HELD.get();
        if (h.pendingId == id) {
            monitorEntered(id);
            return;
        }
        Counters c = counters(id);
        if (c != null) {
            c.acquisitions.incrementAndGet();
            h.push(id, System.nanoTime());
        }
    }

    /** Just after MONITOREXIT of lock {@code id}, on the normal and the exceptional path. */
    public static void monitorExited(int id) {
        long now = System.nanoTime();
        Counters c = counters(id);
        if (c == null) {
            return;
        }
        long since = HELD.get().pop(id);
        if (since != 0L) {
            released(id, now - since, c.waiting.get());
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
        long seq = c.acquisitions.get();
        c.waiting.incrementAndGet();
        long start = System.nanoTime();
        try {
            lock.lock();
        } finally {
            c.waiting.decrementAndGet();
        }
        lockAcquired(c, id, start, seq);
    }

    /** Replaces {@code lock.lockInterruptibly()} at a rewritten site. */
    public static void lockInterruptibly(Lock lock, int id) throws InterruptedException {
        Counters c = counters(id);
        if (c == null) {
            lock.lockInterruptibly();
            return;
        }
        long seq = c.acquisitions.get();
        c.waiting.incrementAndGet();
        long start = System.nanoTime();
        try {
            lock.lockInterruptibly();
        } finally {
            c.waiting.decrementAndGet();
        }
        lockAcquired(c, id, start, seq);
    }

    private static void lockAcquired(Counters c, int id, long start, long seq) {
        long now = System.nanoTime();
        long overtaken = c.acquisitions.getAndIncrement() - seq;
        HELD.get().push(id, now);
        acquired(id, now - start, overtaken);
    }

    /** Replaces {@code lock.unlock()} at a rewritten site. */
    public static void unlock(Lock lock, int id) {
        Counters c = counters(id);
        long since = c == null ? 0L : HELD.get().pop(id);
        long now = System.nanoTime();
        lock.unlock(); // first, exactly as the application asked; if it throws, nothing is recorded
        if (since != 0L) {
            released(id, now - since, c.waiting.get());
        }
    }

    // ---- for the agent

    /** The innermost spawn lock the current thread holds, or -1. */
    public static int innermostHeld() {
        Held h = HELD.get();
        return h.depth == 0 ? -1 : h.ids[Math.min(h.depth, MAX_DEPTH) - 1];
    }

    private static Counters counters(int id) {
        Counters[] all = counters;
        return id >= 0 && id < all.length ? all[id] : null;
    }

    private static void acquired(int id, long waitNanos, long overtaken) {
        LockListener l = listener;
        if (l != null) {
            try {
                l.acquired(id, waitNanos, overtaken);
            } catch (Throwable t) {
                drop(t);
            }
        }
    }

    private static void released(int id, long holdNanos, int waiters) {
        LockListener l = listener;
        if (l != null) {
            try {
                l.released(id, holdNanos, waiters);
            } catch (Throwable t) {
                drop(t);
            }
        }
    }

    private static void drop(Throwable t) {
        listener = null;
        listenerFailure = t;
    }

    private static final class Counters {
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicLong acquisitions = new AtomicLong();
    }

    /** One thread's held spawn locks, innermost last, and the enter it is waiting in. */
    private static final class Held {
        final int[] ids = new int[MAX_DEPTH];
        final long[] since = new long[MAX_DEPTH];
        int depth;
        int pendingId = -1;
        long pendingStart;
        long pendingSeq;

        void push(int id, long now) {
            if (depth < MAX_DEPTH) {
                ids[depth] = id;
                since[depth] = now;
            }
            depth++;
        }

        /** Removes the innermost entry of lock {@code id}; returns when it was taken, or 0 if not held. */
        long pop(int id) {
            for (int i = Math.min(depth, MAX_DEPTH) - 1; i >= 0; i--) {
                if (ids[i] == id) {
                    long taken = since[i];
                    // entries above i were left by exits we never saw: drop them with it
                    depth = i;
                    return taken;
                }
            }
            if (depth > MAX_DEPTH) {
                depth--; // an untracked deep entry
            }
            return 0L;
        }
    }
}
