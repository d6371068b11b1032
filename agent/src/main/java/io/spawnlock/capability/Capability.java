package io.spawnlock.capability;

import io.spawnlock.guard.AgentWarnings;
import java.util.Collections;
import java.util.List;

/**
 * What the core asks of each measured part (spawns, spawn locks, accept paths, the process sample), all on
 * the agent's thread, never on an application's: once an interval {@link #sample}, then
 * {@link #reportHealth}; at exit the same once more. The core keeps a list of them and iterates; it holds no
 * part's failure messages or sampling rules. What a part records as things happen goes through its own
 * listener (a probe's) into the Recording; what it rewrites it names in {@link #rewriters}, which the core
 * hands to the class gate when it registers the part.
 */
public interface Capability {
    /**
     * Takes what this part samples rather than records as it happens (the accepting threads' wakeups, the
     * process's memory), before the interval is written. A part whose sampling fails stops sampling and
     * says why in {@link #reportHealth}; it never throws here.
     */
    default void sample() {}

    /** Says, once each through {@code warnings}, what has gone wrong in this part since it started. */
    void reportHealth(AgentWarnings warnings);

    /**
     * The class gate's entries for this part, in the order they rewrite a class; asked once, when the core
     * registers the part. A part whose rewrite could not be prepared leaves it out and says why here or in
     * {@link #reportHealth}.
     */
    default List<ClassRewriter> rewriters() {
        return Collections.emptyList();
    }
}
