package io.spawnlock.probe;

/** Receives lock events from {@link LockProbe}; implemented by the isolated agent core. */
public interface LockListener {
    /**
     * A spawn lock was acquired.
     *
     * @param lockId     the lock's id, as registered with {@link LockProbe#register}
     * @param waitNanos  time from asking for the lock to holding it
     * @param overtaken  acquisitions of this lock by other threads while this one waited
     */
    void acquired(int lockId, long waitNanos, long overtaken);

    /**
     * A spawn lock was released.
     *
     * @param lockId    the lock's id
     * @param holdNanos time from acquiring to releasing it
     * @param waiters   threads waiting for this lock at the moment of release
     */
    void released(int lockId, long holdNanos, int waiters);
}
