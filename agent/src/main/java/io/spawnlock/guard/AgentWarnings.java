package io.spawnlock.guard;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
        if (t instanceof FileSystemException) { // the file and the reason, in words, not the exception's name
            FileSystemException f = (FileSystemException) t;
            String reason = f.getReason() != null ? f.getReason()
                    : t instanceof AccessDeniedException ? "permission denied"
                    : t instanceof NoSuchFileException ? "no such file or directory"
                    : t instanceof FileAlreadyExistsException ? "exists already"
                    : t instanceof NotDirectoryException ? "not a directory" : t.getClass().getSimpleName();
            return (f.getFile() == null ? "" : f.getFile() + ": ") + reason;
        }
        if (t.getClass() == IOException.class && msg != null) {
            return msg; // the system's own words (File too large, No space left on device) or ours
        }
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
