package io.spawnlock.export;

import java.util.List;

/**
 * The agent in JConsole, VisualVM or any JMX client, as {@code io.spawnlock:type=Spawnlock}: every tag's
 * count and percentiles since start (up to the last interval written, so they match the log), and a dump.
 */
public interface SpawnlockMXBean {
    /** One row per tag with values. */
    List<TagSummary> getTags();

    /** The number of spawns so far, successful or not, up to the last interval. */
    long getSpawns();

    /** Writes a dump now; returns "written: <file>" or "not written: <why>". */
    String dump();
}
