package io.spawnlock.probe;

/** Receives lock events from {@link LockProbe}; implemented by the isolated agent core. */
public interface LockListener {
    /**
     * A spawn lock was acquired and released. Called on the agent thread as it drains the per-thread
     * buffers, or on the releasing thread when its buffer is full.
     *
     * @param lockId     the lock's id, as registered with {@link LockProbe#register}
     * @param waitNanos  time from asking for the lock to holding it; negative when the start was not seen
     * @param overtaken  acquisitions of this lock by other threads while this one waited
     * @param holdNanos  time from acquiring to releasing it
     * @param waiters    threads waiting for this lock at the moment of release
     * @param drained    true on the draining thread (one at a time), false on a releasing thread
     */
    void acquiredAndReleased(int lockId, long waitNanos, long overtaken, long holdNanos, long waiters, boolean drained);

    /**
     * Tries to become the one thread that drains event buffers (without waiting); true means the caller
     * may drain and must call {@link #endDrain} after.
     */
    boolean beginDrain();

    void endDrain();

    /**
     * A {@code notifyAll()} or {@code signalAll()} by a thread holding spawn lock {@code lockId}, on that
     * thread: each call is a herd of the threads it moves from waiting for a signal to waiting for the lock.
     *
     * @param waiters threads then in a wait (at a rewritten site) under this lock: the ones it moved
     */
    void broadcast(int lockId, long waiters);

    /**
     * A thread woken from a wait under spawn lock {@code lockId} waited again without releasing the lock
     * in between (its condition was still false): a futile wakeup. On that thread.
     *
     * @param nanos from the wakeup to the new wait: how long the futile wakeup held the lock
     */
    void futileWakeup(int lockId, long nanos);
}
