package io.spawnlock.locks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How often a spawning thread may walk its stack for discovery, across all threads. A walk costs tens of
 * microseconds and a few kilobytes of the application's heap; at hundreds of spawns per second, walking at
 * the fastest pace for ever cost the spawn path a few percent of its throughput, while the call sites it
 * finds are few and found early (most locks are found as their classes load). So every walk that finds
 * nothing new doubles the gap to the next one, up to {@link #SLOWEST}; a walk that finds a new site brings
 * back the fastest pace. At one walk a second, a spawn loop's heap share of the agent is 5-8 bytes a spawn
 * (it was ~60 at one walk per 100 ms).
 *
 * <p>A lock that spawns are often made under is found within the first walks; one spawned under once an
 * hour may be found late or not at all: name it with {@code locks=}.
 */
final class WalkPacer {
    static final long FASTEST = TimeUnit.MILLISECONDS.toNanos(5);
    static final long SLOWEST = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong nextWalk;
    /** The gap after the last walk; written by the thread that won the walk. */
    private volatile long gap = FASTEST;

    WalkPacer(long now) {
        nextWalk = new AtomicLong(now);
    }

    /** Whether this spawn walks its stack; true for one caller per gap. */
    boolean claim(long now) {
        long next = nextWalk.get();
        return now - next >= 0 && nextWalk.compareAndSet(next, now + gap);
    }

    /** After a walk that {@link #claim}ed: sets the pace for the next one. */
    void walked(long now, boolean foundNewSite) {
        long g = foundNewSite ? FASTEST : Math.min(SLOWEST, gap * 2);
        gap = g;
        nextWalk.set(now + g);
    }
}
