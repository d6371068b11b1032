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
}
