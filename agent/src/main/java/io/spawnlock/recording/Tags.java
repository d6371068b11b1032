package io.spawnlock.recording;

/** Histogram log tags (the contract in PRODUCT.md). Values are nanoseconds. */
public final class Tags {
    /** Wall time of one successful {@code ProcessBuilder.start()}. */
    public static final String SPAWN = "spawn";
    /** Wall time of one {@code start()} that threw. */
    public static final String SPAWN_FAILED = "spawn.failed";
    /** The native fork/exec part of one spawn (failed ones included when they reached it). */
    public static final String SPAWN_EXEC = "spawn.exec";

    /** Per spawn lock: waiters at each release; a count, not a time. */
    public static final String LOCK_QUEUE = "lock.queue.";
    /** Per spawn lock: acquisitions by others while one thread waited; a count, not a time. */
    public static final String LOCK_OVERTAKEN = "lock.overtaken.";

    private Tags() {}

    /** Whether a tag's values are counts rather than nanoseconds. */
    public static boolean isCount(String tag) {
        return tag.startsWith(LOCK_QUEUE) || tag.startsWith(LOCK_OVERTAKEN);
    }
}
