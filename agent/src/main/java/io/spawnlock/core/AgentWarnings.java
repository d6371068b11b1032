package io.spawnlock.core;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The agent's only voice on the host's stderr: one line per distinct problem, ever. A healthy agent says
 * nothing. Each warning is also handed to the log (as a comment), so the record shows what went wrong.
 */
public final class AgentWarnings {
    private final Set<String> said = ConcurrentHashMap.newKeySet();
    private final PrintStream err;
    private volatile Consumer<String> logSink; // null until the log exists

    public AgentWarnings(PrintStream err) {
        this.err = err;
    }

    public void logTo(Consumer<String> sink) {
        this.logSink = sink;
    }

    /** Says {@code message} unless a warning with the same key was said before; returns whether it spoke. */
    public boolean warnOnce(String key, String message) {
        if (!said.add(key)) {
            return false;
        }
        err.println("spawnlock: " + message);
        Consumer<String> sink = logSink;
        if (sink != null) {
            sink.accept("warning: " + message);
        }
        return true;
    }

    /** Describes a throwable in one line: type and message, no stack. */
    public static String describe(Throwable t) {
        String msg = t.getMessage();
        return t.getClass().getName() + (msg == null ? "" : ": " + msg);
    }
}
