package io.spawnlock.recording;

/** Histogram log tags (the contract in PRODUCT.md). Values are nanoseconds. */
public final class Tags {
    /** Wall time of one successful {@code ProcessBuilder.start()}. */
    public static final String SPAWN = "spawn";
    /** Wall time of one {@code start()} that threw. */
    public static final String SPAWN_FAILED = "spawn.failed";
    /** The native fork/exec part of one spawn (failed ones included when they reached it). */
    public static final String SPAWN_EXEC = "spawn.exec";

    private Tags() {}
}
