package io.spawnlock.probe;

import java.util.ArrayList;
import java.util.List;

/** A lock listener for tests: keeps every event the probe delivers, each list guarded by {@link #events}. */
public final class RecordingLockListener implements LockListener {
    /** {id, wait, overtaken, hold, waiters} per acquire+release. */
    public final List<long[]> events = new ArrayList<>();
    /** {id, waiters} per broadcast. */
    public final List<long[]> broadcasts = new ArrayList<>();
    /** {id, nanos} per futile wakeup. */
    public final List<long[]> futile = new ArrayList<>();
    /** Whether a thread with a full buffer may drain it itself (another drainer is busy when false). */
    public volatile boolean drainFree = true;

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

    @Override
    public void broadcast(int lockId, long waiters) {
        synchronized (events) {
            broadcasts.add(new long[] {lockId, waiters});
        }
    }

    @Override
    public void futileWakeup(int lockId, long nanos) {
        synchronized (events) {
            futile.add(new long[] {lockId, nanos});
        }
    }

    /** Drains the probe's buffers and returns a copy of the events so far. */
    public List<long[]> drained() {
        LockProbe.drain();
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }
}
