package io.spawnlock.recording;

/**
 * Where spawns and spawn-lock acquisitions go one by one, besides the histograms (JFR). Checked with
 * {@link #on()} before any work, so that an idle sink costs one volatile read per event.
 */
public interface EventSink {
    boolean on();

    void spawn(long wallNanos, long execNanos, long cpuNanos, long lockWaitNanos, String lock, String launchMechanism,
               String executable, long pid, boolean failed);

    void lock(String lock, long waitNanos, long holdNanos, long overtaken, long waiters);
}
