package io.spawnlock.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * "reading x.hlog: 45%" on stderr, rewritten in place about once a second, for a log that takes more than
 * a few seconds to read, and only when a person is watching a terminal: scripts and pipes see nothing.
 */
final class Progress {
    private static final long START_AFTER_NANOS = 3_000_000_000L;
    private static final long EVERY_NANOS = 1_000_000_000L;
    private static final Progress NONE = new Progress(null, null, 0);

    private final String label;
    private final PrintStream err;
    private final long size;
    private final long started = System.nanoTime();
    private long nextShow = started + START_AFTER_NANOS;
    private boolean shown;
    private int checks;

    private Progress(String label, PrintStream err, long size) {
        this.label = label;
        this.err = err;
        this.size = size;
    }

    static Progress forFile(Path file, String command, PrintStream err) {
        if (System.console() == null || err != System.err) {
            return NONE;
        }
        try {
            return new Progress("spawnlock: " + command + ": reading " + file, err, Files.size(file));
        } catch (IOException e) {
            return NONE;
        }
    }

    void at(long bytes) {
        if (this == NONE || (++checks & 0xff) != 0) {
            return; // the clock is read once per 256 intervals
        }
        long now = System.nanoTime();
        if (now - nextShow < 0) {
            return;
        }
        nextShow = now + EVERY_NANOS;
        shown = true;
        err.print("\r" + label + ": " + Math.min(100, bytes * 100 / Math.max(1, size)) + "%");
        err.flush();
    }

    void done() {
        if (shown) {
            err.print("\r" + " ".repeat(label.length() + 6) + "\r");
            err.flush();
        }
    }
}
