package io.spawnlock.dumps;

import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * The JVM's own view of one spawn lock: which threads it sees waiting for it and which thread owns it,
 * read from {@link ThreadInfo}s taken without stacks or locked monitors (which needs no safepoint on JDK
 * 11 to 25). It sees what the probes cannot: threads that took or asked for the lock in a frame that was
 * running before the lock was found.
 *
 * <p>A lock is known to the JVM by its object: a monitor or a {@code StampedLock} is the object threads
 * block on, a {@code ReentrantLock} or read/write lock queues its waiters ({@code hasQueuedThread}).
 * Semaphores have no owner and no per-thread queue query; they are seen by the probes only.
 */
final class JvmLockView {
    /** The owner the JVM names, or null. */
    final Thread owner;
    /** Platform threads the JVM sees waiting for the lock, in the JVM's order. */
    final List<Thread> waiters;

    private JvmLockView(Thread owner, List<Thread> waiters) {
        this.owner = owner;
        this.waiters = waiters;
    }

    static final JvmLockView NONE = new JvmLockView(null, new ArrayList<>());

    /** What the JVM sees now of every thread, once per dump. */
    static final class Snapshot {
        final Map<Long, Thread> threads = new HashMap<>();
        final Map<Long, ThreadInfo> infos = new HashMap<>();

        Snapshot(ThreadMXBean bean) {
            for (Thread t : platformThreads()) {
                threads.put(t.getId(), t);
            }
            long[] ids = new long[threads.size()];
            int i = 0;
            for (long id : threads.keySet()) {
                ids[i++] = id;
            }
            for (ThreadInfo info : bean.getThreadInfo(ids, 0)) { // no stack, no monitors: no safepoint
                if (info != null) {
                    infos.put(info.getThreadId(), info);
                }
            }
        }

        /**
         * The lock's view: {@code lock} is its object when a probe saw it, else null, and then
         * {@code identity} ({@code class@hash}, as the JVM prints it) is what discovery saw the spawning
         * thread hold, or null.
         */
        JvmLockView of(Object lock, String identity) {
            String id = lock != null ? identityOf(lock) : identity;
            if (id == null) {
                return NONE;
            }
            long owner = -1;
            List<Thread> waiters = new ArrayList<>();
            for (ThreadInfo info : infos.values()) {
                Thread t = threads.get(info.getThreadId());
                if (t == null || !waitsFor(info, t, lock, id)) {
                    continue;
                }
                waiters.add(t);
                if (info.getLockOwnerId() >= 0) {
                    owner = info.getLockOwnerId();
                }
            }
            return new JvmLockView(owner < 0 ? null : threads.get(owner), waiters);
        }

        private static boolean waitsFor(ThreadInfo info, Thread t, Object lock, String identity) {
            Thread.State state = info.getThreadState();
            boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
            if (lock instanceof ReentrantLock) { // its waiters park on its inner synchronizer: ask the lock
                return parked && ((ReentrantLock) lock).hasQueuedThread(t);
            }
            if (lock instanceof ReentrantReadWriteLock) {
                return parked && ((ReentrantReadWriteLock) lock).hasQueuedThread(t);
            }
            // a monitor's waiters are BLOCKED on it; a StampedLock parks its waiters on itself, and a Lock known
            // by its synchronizer's name (discovery's) on that synchronizer
            LockInfo on = info.getLockInfo();
            boolean waiting = state == Thread.State.BLOCKED || (parked && (lock instanceof StampedLock || lock == null));
            return waiting && on != null && identity.equals(on.toString());
        }
    }

    /** How the JVM names an object in a thread's lock information: {@code java.lang.Object@1b6d3586}. */
    static String identityOf(Object o) {
        return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /** Every platform thread, from the root thread group: a copy of a list, no safepoint. */
    private static List<Thread> platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(all, true)) == all.length) {
            all = new Thread[all.length * 2];
        }
        List<Thread> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(all[i]);
        }
        return list;
    }
}
