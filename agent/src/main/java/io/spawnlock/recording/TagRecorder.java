package io.spawnlock.recording;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One tag's histogram: any thread records, one log thread takes intervals.
 *
 * <p>A fixed-range {@link Recorder} records with atomic increments only, never a lock or an allocation,
 * so a spawning thread (virtual or not) is never blocked by the logger.
 */
public final class TagRecorder {
    /** Values above are clamped: nothing a spawn or lock does is meaningfully longer than an hour. */
    public static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Two digits (1%) keeps a tag's footprint at ~110 KB for its three histograms. */
    public static final int SIGNIFICANT_DIGITS = 2;

    private final String tag;
    private final Recorder recorder = new Recorder(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private Histogram recycled; // log thread only
    /** Values from the one thread that drains buffered events; created on first use. Guarded by the drain lock. */
    private Histogram drained;
    /** Drained values of zero (or less), added to {@link #drained} at once each interval; guarded by the drain lock. */
    private long drainedZeros;
    /** Every interval taken so far, for the summaries in dumps. Guarded by the drain lock. */
    private Histogram sinceStart;

    TagRecorder(String tag) {
        this.tag = tag;
    }

    /**
     * Loads and links the histogram classes a tag uses, with a throwaway one: off the thread that creates the
     * first tags, which the first spawn waits for.
     */
    public static void loadClasses() {
        TagRecorder warm = new TagRecorder("");
        warm.record(1);
        warm.recorder.getIntervalHistogram().getTotalCount();
    }

    public String tag() {
        return tag;
    }

    public void record(long value) {
        recorder.recordValue(value < 0 ? 0 : Math.min(value, HIGHEST_NANOS));
    }

    /** Records {@code value} {@code count} times. */
    public void record(long value, long count) {
        recorder.recordValueWithCount(value < 0 ? 0 : Math.min(value, HIGHEST_NANOS), count);
    }

    /**
     * Records a value from the thread draining buffered events: a plain increment, no atomic instruction.
     * Only under the drain lock of {@link Recording}. Zeros, which most uncontended acquisitions give for
     * their wait, queue and overtaken values, are only counted here: one increment instead of a histogram
     * update per event.
     */
    public void recordDrained(long value) {
        if (value <= 0) {
            drainedZeros++;
            return;
        }
        if (drained == null) {
            drained = new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        }
        drained.recordValue(Math.min(value, HIGHEST_NANOS));
    }

    /**
     * The values recorded since the previous call, tagged; for the log thread only, under the drain lock. The result is valid
     * until the next call, which reuses it.
     */
    Histogram takeInterval() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        if (drainedZeros > 0) {
            interval.recordValueWithCount(0, drainedZeros);
            drainedZeros = 0;
        }
        if (drained != null && drained.getTotalCount() > 0) {
            interval.add(drained);
            drained.reset();
        }
        interval.setTag(tag);
        if (interval.getTotalCount() > 0) {
            if (sinceStart == null) {
                sinceStart = new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
            }
            sinceStart.add(interval);
        }
        recycled = interval;
        return interval;
    }

    /** Everything recorded up to the last interval taken, or null if nothing was; under the drain lock. */
    Histogram sinceStart() {
        return sinceStart;
    }
}
