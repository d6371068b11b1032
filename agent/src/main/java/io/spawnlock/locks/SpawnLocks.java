package io.spawnlock.locks;

import io.spawnlock.probe.LockListener;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The spawn locks this JVM knows, their ids, their tags, and which classes acquire them.
 *
 * <p>Tags per lock (created when the lock is found, so an application without spawn locks has none):
 * {@code lock.wait.<lock>}, {@code lock.hold.<lock>}, {@code lock.queue.<lock>} (waiters at each release),
 * {@code lock.overtaken.<lock>} (per acquisition, how many acquisitions by other threads happened while this
 * one waited: the starvation signal), {@code lock.spawn.<lock>} and {@code lock.exec.<lock>} (the wall time and
 * the native fork/exec time of each spawn made while holding the lock).
 */
public final class SpawnLocks implements LockListener {
    private final Recording recording;
    /** Written by the agent thread only; read everywhere through the volatile arrays and snapshots. */
    private final Map<String, Integer> ids = new HashMap<>();
    private volatile Tags[] tags = new Tags[0];
    /** internal class name -> (lock name -> id): what to instrument in which class. Immutable snapshots. */
    private volatile Map<String, Map<String, Integer>> byClass = Collections.emptyMap();

    public SpawnLocks(Recording recording) {
        this.recording = recording;
    }

    /** Connects the lock probe to this registry. */
    public void listen() {
        LockProbe.setListener(this);
    }

    public Throwable failure() {
        return LockProbe.listenerFailure();
    }

    /**
     * Makes {@code lock} a spawn lock acquired in {@code internalClassName}; agent thread only.
     * @return whether that is new (the class must then be rewritten)
     */
    boolean add(String internalClassName, String lock) {
        Map<String, Integer> known = byClass.get(internalClassName);
        if (known != null && known.containsKey(lock)) {
            return false;
        }
        int id = idOf(lock);
        Map<String, Map<String, Integer>> next = new HashMap<>(byClass);
        Map<String, Integer> forClass = new HashMap<>(known == null ? Collections.<String, Integer>emptyMap() : known);
        forClass.put(lock, id);
        next.put(internalClassName, Collections.unmodifiableMap(forClass));
        byClass = Collections.unmodifiableMap(next);
        return true;
    }

    private int idOf(String lock) {
        Integer existing = ids.get(lock);
        if (existing != null) {
            return existing;
        }
        int id = ids.size();
        ids.put(lock, id);
        Tags[] grown = Arrays.copyOf(tags, id + 1);
        grown[id] = new Tags(recording, lock);
        tags = grown;
        LockProbe.register(id);
        return id;
    }

    /** The spawn locks to instrument in a class, or null; loads nothing (called for every class load). */
    Map<String, Integer> locksIn(String internalClassName) {
        return byClass.get(internalClassName);
    }

    @Override
    public void acquired(int lockId, long waitNanos, long overtaken) {
        Tags t = tags[lockId];
        t.wait.record(waitNanos);
        t.overtaken.record(overtaken);
    }

    @Override
    public void released(int lockId, long holdNanos, int waiters) {
        Tags t = tags[lockId];
        t.hold.record(holdNanos);
        t.queue.record(waiters);
    }

    /** A spawn made by a thread whose innermost held spawn lock is {@code lockId}. */
    public void spawnUnder(int lockId, long wallNanos, long execNanos) {
        Tags[] all = tags;
        if (lockId < all.length) {
            all[lockId].spawn.record(wallNanos);
            if (execNanos >= 0) {
                all[lockId].exec.record(execNanos);
            }
        }
    }

    /** The innermost spawn lock the calling thread holds, or -1. */
    public int innermostHeld() {
        return LockProbe.innermostHeld();
    }

    private static final class Tags {
        final TagRecorder wait;
        final TagRecorder hold;
        final TagRecorder queue;
        final TagRecorder overtaken;
        final TagRecorder spawn;
        final TagRecorder exec;

        Tags(Recording recording, String name) {
            this.wait = recording.tag("lock.wait." + name);
            this.hold = recording.tag("lock.hold." + name);
            this.queue = recording.tag(io.spawnlock.recording.Tags.LOCK_QUEUE + name);
            this.overtaken = recording.tag(io.spawnlock.recording.Tags.LOCK_OVERTAKEN + name);
            this.spawn = recording.tag("lock.spawn." + name);
            this.exec = recording.tag("lock.exec." + name);
        }
    }
}
