package io.spawnlock.recording;

import io.spawnlock.locks.LockDiscovery;
import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.probe.SpawnListener;
import io.spawnlock.probe.SpawnProbe;
import java.util.concurrent.atomic.LongAdder;

/**
 * The only class that talks to the spawn probe. Turns the probe's per-spawn calls into the {@code spawn},
 * {@code spawn.failed} and {@code spawn.exec} tags.
 */
public final class SpawnRecorder implements SpawnListener {
    private final TagRecorder spawn;
    private final TagRecorder failed;
    private final TagRecorder exec;
    private final LongAdder spawns = new LongAdder();
    private final SpawnLocks locks;
    private volatile LockDiscovery discovery;
    private volatile Throwable discoveryFailure;

    /**
     * Creates the recorder and connects the probe to it.
     *
     * @param locks     the spawn locks, to attribute each spawn to the innermost one held
     * @param discovery finds the locks held around spawns; null when discovery is off
     */
    public static SpawnRecorder listenTo(Recording recording, SpawnLocks locks, LockDiscovery discovery) {
        SpawnRecorder r = new SpawnRecorder(recording, locks, discovery);
        SpawnProbe.setListener(r);
        return r;
    }

    /** Why discovery stopped, or null while it works. */
    public Throwable discoveryFailure() {
        return discoveryFailure;
    }

    /** Why the probe dropped this recorder, or null while it works. */
    public Throwable failure() {
        return SpawnProbe.listenerFailure();
    }

    SpawnRecorder(Recording recording, SpawnLocks locks, LockDiscovery discovery) {
        this.locks = locks;
        this.discovery = discovery;
        this.spawn = recording.tag(Tags.SPAWN);
        this.failed = recording.tag(Tags.SPAWN_FAILED);
        this.exec = recording.tag(Tags.SPAWN_EXEC);
    }

    @Override
    public void spawnFinished(long wallNanos, long execNanos, boolean isFailed) {
        (isFailed ? failed : spawn).record(wallNanos);
        if (execNanos >= 0) {
            exec.record(execNanos);
        }
        spawns.increment();
        int lock = locks.innermostHeld();
        if (lock >= 0) {
            locks.spawnUnder(lock, wallNanos, execNanos);
        }
        LockDiscovery d = discovery;
        if (d != null) {
            try {
                d.onSpawn();
            } catch (RuntimeException | LinkageError e) {
                // discovery is a part of its own: losing it must not stop spawns being measured
                discovery = null;
                discoveryFailure = e;
            }
        }
    }

    /** Spawns seen so far, successful or not. */
    /** Lets the spawn probe forget the threads that have ended; on the agent thread, every interval. */
    public void forgetEndedThreads() {
        SpawnProbe.forgetEndedThreads();
    }

    public long spawns() {
        return spawns.sum();
    }
}
