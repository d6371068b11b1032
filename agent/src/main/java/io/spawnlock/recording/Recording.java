package io.spawnlock.recording;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** All tags recorded in this JVM, in the order they first appeared. */
public final class Recording {
    private final ConcurrentMap<String, TagRecorder> byTag = new ConcurrentHashMap<>();
    private final List<TagRecorder> inOrder = new CopyOnWriteArrayList<>();
    /** One drainer at a time, and never while an interval is taken: the drained histograms are plain. */
    private final ReentrantLock drainLock = new ReentrantLock();
    private volatile Runnable drainer;

    /** The recorder for a tag, created on first use (not on a hot path: callers keep the result). */
    public TagRecorder tag(String tag) {
        return byTag.computeIfAbsent(tag, t -> {
            TagRecorder r = new TagRecorder(t);
            inOrder.add(r);
            return r;
        });
    }

    /** What moves buffered events into the tags (with {@link TagRecorder#recordDrained}). */
    public void drainWith(Runnable drainer) {
        this.drainer = drainer;
    }

    /** Takes the drain lock if it is free: for a thread that drains its own buffer. */
    public boolean tryBeginDrain() {
        return drainLock.tryLock();
    }

    public void endDrain() {
        drainLock.unlock();
    }

    /** Moves the buffered events into the tags now (at exit, so that what they cause is reported before the log closes). */
    public void drainNow() {
        drainLock.lock();
        try {
            runDrainer();
        } finally {
            drainLock.unlock();
        }
    }

    /** Drains, then hands every tag's interval histogram to {@code out}; the histograms are reused after. */
    public void takeIntervals(Consumer<Histogram> out) {
        drainLock.lock();
        try {
            runDrainer();
            for (TagRecorder tag : inOrder) {
                out.accept(tag.takeInterval());
            }
        } finally {
            drainLock.unlock();
        }
    }

    /**
     * Applies {@code reader} to every tag's histogram since start (up to the last interval taken), under the
     * drain lock: the histograms are the live ones, so {@code reader} must not keep them. For dumps.
     */
    public <T> T readSinceStart(Function<Map<String, Histogram>, T> reader) {
        drainLock.lock();
        try {
            Map<String, Histogram> byTag = new LinkedHashMap<>();
            for (TagRecorder tag : inOrder) {
                Histogram h = tag.sinceStart();
                if (h != null) {
                    byTag.put(tag.tag(), h);
                }
            }
            return reader.apply(byTag);
        } finally {
            drainLock.unlock();
        }
    }

    private void runDrainer() {
        Runnable d = drainer;
        if (d != null) {
            d.run();
        }
    }
}
