package io.spawnlock.recording;

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

    /** Creates the recorder and connects the probe to it. */
    public static SpawnRecorder listenTo(Recording recording) {
        SpawnRecorder r = new SpawnRecorder(recording);
        SpawnProbe.setListener(r);
        return r;
    }

    /** Why the probe dropped this recorder, or null while it works. */
    public Throwable failure() {
        return SpawnProbe.listenerFailure();
    }

    SpawnRecorder(Recording recording) {
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
    }

    /** Spawns seen so far, successful or not. */
    public long spawns() {
        return spawns.sum();
    }
}
