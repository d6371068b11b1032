package io.spawnlock.export;

import io.spawnlock.recording.EventSink;
import java.util.function.Consumer;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * The agent's JFR events, committed only while a recording runs: a listener keeps one volatile flag up to
 * date, so with no recording a spawn or a lock release costs one read of it. Registering the listener does
 * not start JFR; a recording started later (jcmd JFR.start, JMC) turns the events on.
 */
public final class JfrEvents implements FlightRecorderListener, EventSink {
    private final Consumer<Boolean> onChange;
    private volatile boolean on;

    /** @param onChange hears whether events are wanted, at every change once {@link #listen} was called */
    public JfrEvents(Consumer<Boolean> onChange) {
        this.onChange = onChange;
    }

    /** Starts following JFR's recordings; connect this sink to its sources first. */
    public void listen() {
        FlightRecorder.addListener(this); // calls recorderInitialized at once if JFR already runs
    }

    /** Whether a recording runs: read before building an event. */
    @Override
    public boolean on() {
        return on;
    }

    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        update(recorder);
    }

    @Override
    public void recordingStateChanged(Recording recording) {
        update(FlightRecorder.getFlightRecorder());
    }

    private void update(FlightRecorder recorder) {
        boolean running = false;
        for (Recording r : recorder.getRecordings()) {
            running |= r.getState() == RecordingState.RUNNING;
        }
        if (running != on) {
            on = running;
            onChange.accept(running);
        }
    }

    @Override
    public void spawn(long wallNanos, long execNanos, long cpuNanos, long lockWaitNanos, String lock,
                      String launchMechanism, String executable, long pid, boolean failed) {
        SpawnEvent e = new SpawnEvent();
        e.wallTime = wallNanos;
        e.execTime = execNanos;
        e.cpuTime = cpuNanos;
        e.lockWait = lockWaitNanos;
        e.lock = lock;
        e.launchMechanism = launchMechanism;
        e.executable = executable;
        e.pid = pid;
        e.failed = failed;
        e.commit();
    }

    @Override
    public void lock(String lock, long waitNanos, long holdNanos, long overtaken, long waiters) {
        SpawnLockEvent e = new SpawnLockEvent();
        e.lock = lock;
        e.waitTime = waitNanos;
        e.holdTime = holdNanos;
        e.overtaken = overtaken;
        e.waiters = waiters;
        e.commit();
    }
}
