package io.spawnlock.recording;

import io.spawnlock.config.TestFaults;
import io.spawnlock.guard.AgentWarnings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;

/**
 * Writes every tag's interval histogram to an HdrHistogram interval log (format 1.3, with tags), flushed at
 * every interval and once more at shutdown, so a normal exit or SIGTERM loses nothing.
 *
 * <p>Each interval is rendered in memory first and then written whole. If the write fails (a full disk, a
 * file size limit), the file is cut back to its last complete line and the rendered text stays in memory,
 * up to {@link #MAX_PENDING_BYTES}, to be written ahead of the next interval once the disk takes it again:
 * the file only ever holds whole lines, and what was measured is not lost while memory allows. The header
 * too: a disk that is full from the start gets the whole log once space comes back. What does not fit the
 * bound is dropped and counted; the count goes into the log (a comment where the gap is) and, with what is
 * still waiting at exit, onto stderr once.
 *
 * <p>Intervals in which a tag recorded nothing are not written. Lines starting with {@code #[spawnlock} are
 * our comments; HdrHistogram's readers skip them.
 */
public final class IntervalLog {
    private static final FileAttribute<?> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Recording recording;
    private final AgentWarnings warnings;
    private final Path path;
    private final ReentrantLock lock = new ReentrantLock(); // log thread vs shutdown hook; never a spawn path
    private final Queue<String> pendingComments = new ConcurrentLinkedQueue<>();
    /** Unwritten text kept at most: about an hour of 10 tags at 1-second intervals. */
    static final int MAX_PENDING_BYTES = 32 << 20;
    private final SeekableByteChannel file;
    /** What {@link #lines} renders; moved to {@link #pending} after each interval. Guarded by lock. */
    private final ByteArrayOutputStream rendered = new ByteArrayOutputStream(64 * 1024);
    private final LogLines lines;
    /** Rendered, not yet in the file. Guarded by lock. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(64 * 1024);
    /** Histograms (and the spawns in them) rendered this interval, waiting, and dropped. Guarded by lock. */
    private long renderedHistograms;
    private long renderedSpawns;
    private long pendingHistograms;
    private long pendingSpawns;
    private long droppedHistograms;
    private long droppedSpawns;
    private boolean closed;
    private final int maxPendingBytes;

    private IntervalLog(Recording recording, AgentWarnings warnings, Path path, SeekableByteChannel file,
                        int maxPendingBytes) {
        this.maxPendingBytes = maxPendingBytes;
        this.recording = recording;
        this.warnings = warnings;
        this.path = path;
        this.file = file;
        this.lines = new LogLines(rendered);
    }

    /**
     * Creates the log file (owner-only, never through an existing file or symlink: if the name is taken, the
     * next free {@code name.N.ext} is used) and writes the header.
     */
    public static IntervalLog create(Path requested, Recording recording, AgentWarnings warnings,
                                     List<String> headerComments, long startMillis) throws IOException {
        PathSafety.check(requested, PathSafety.Last.NEW_FILE);
        Path parent = requested.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, OWNER_ONLY_DIR);
        }
        Path path = requested;
        for (int attempt = 1; ; attempt++) {
            try {
                SeekableByteChannel file = Files.newByteChannel(path,
                        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE);
                if (!path.equals(requested)) {
                    warnings.warnOnce("log-renamed", requested + " already exists; logging to " + path);
                }
                return over(file, path, recording, warnings, headerComments, startMillis);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
                path = numbered(requested, attempt);
            }
        }
    }

    /**
     * A log written into {@code file}, an open, empty channel at {@code path}; the header goes first, or
     * waits in memory with the intervals when the disk does not take it.
     */
    static IntervalLog over(SeekableByteChannel file, Path path, Recording recording, AgentWarnings warnings,
                            List<String> headerComments, long startMillis) throws IOException {
        return over(file, path, recording, warnings, headerComments, startMillis, MAX_PENDING_BYTES);
    }

    /** The same with another bound on the text waiting in memory (for tests). */
    static IntervalLog over(SeekableByteChannel file, Path path, Recording recording, AgentWarnings warnings,
                            List<String> headerComments, long startMillis, int maxPendingBytes) throws IOException {
        IntervalLog log = new IntervalLog(recording, warnings, path, file, maxPendingBytes);
        try {
            log.writeHeader(headerComments, startMillis);
        } catch (RuntimeException e) {
            file.close(); // the caller goes on without a log: no descriptor left open behind it
            throw e;
        }
        return log;
    }

    static Path numbered(Path path, int n) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "." + n + name.substring(dot) : name + "." + n;
        return path.resolveSibling(numbered);
    }

    private void writeHeader(List<String> comments, long startMillis) {
        for (String c : comments) {
            lines.comment("[spawnlock " + c + "]");
        }
        lines.header(startMillis);
        moveRendered();
        writePending();
    }

    /** The lines rendered so far join the text to write, unless too much is waiting already. */
    private void moveRendered() {
        if (pending.size() + rendered.size() <= maxPendingBytes) {
            pending.writeBytes(rendered.toByteArray());
            pendingHistograms += renderedHistograms;
            pendingSpawns += renderedSpawns;
        } else {
            if (droppedHistograms == 0) {
                warnings.warnOnce("log-full", "more than " + Units.bytes(maxPendingBytes) + " of the log could not be"
                        + " written to " + path + "; later intervals are dropped and counted until it can");
            }
            droppedHistograms += renderedHistograms;
            droppedSpawns += renderedSpawns;
        }
        renderedHistograms = 0;
        renderedSpawns = 0;
        rendered.reset();
    }

    /** A comment where intervals were dropped, ahead of those written after the gap. */
    private void noteDropped() {
        if (droppedHistograms > 0 && pending.size() == 0) {
            lines.comment("[spawnlock dropped " + droppedHistograms + " interval histograms (" + droppedSpawns
                    + " spawns) here: more than " + Units.bytes(maxPendingBytes) + " could not be written]");
            droppedHistograms = 0;
            droppedSpawns = 0;
        }
    }

    /**
     * Writes the waiting text whole, or not at all: on a failure the file is cut back to where it was, and
     * the text waits for the next try. True if nothing is waiting any more.
     */
    private boolean writePending() {
        if (pending.size() == 0) {
            return true;
        }
        long before = -1;
        try {
            before = file.position();
            ByteBuffer text = ByteBuffer.wrap(pending.toByteArray());
            while (text.hasRemaining()) {
                file.write(text);
            }
            pending.reset();
            pendingHistograms = 0;
            pendingSpawns = 0;
            return true;
        } catch (IOException e) {
            try {
                if (before >= 0) {
                    file.truncate(before);
                    file.position(before);
                }
            } catch (IOException again) {
                // nothing more to do: the next successful write starts where the file ends
            }
            warnings.warnOnce("log-write", "cannot write " + path + " (" + AgentWarnings.describe(e) + "); measuring goes on"
                    + " and the intervals wait in memory (up to " + Units.bytes(maxPendingBytes) + ") until the log can be written");
            return false;
        }
    }

    /** Adds a comment line, written with the next interval. */
    public void comment(String text) {
        pendingComments.add(text.replace('\n', ' '));
    }

    /** Writes what was recorded since the last interval; false once the log is closed. */
    public boolean writeInterval() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            TestFaults.check("log");
            String c;
            while ((c = pendingComments.poll()) != null) {
                lines.comment("[spawnlock " + c + "]");
            }
            noteDropped();
            recording.takeIntervals(h -> {
                if (h.getTotalCount() > 0) {
                    lines.interval(h);
                    renderedHistograms++;
                    if (Tags.SPAWN.equals(h.getTag()) || Tags.SPAWN_FAILED.equals(h.getTag())) {
                        renderedSpawns += h.getTotalCount();
                    }
                }
            });
            moveRendered();
            writePending();
            return true;
        } catch (RuntimeException e) {
            rendered.reset();
            renderedHistograms = 0;
            renderedSpawns = 0;
            warnings.warnOnce("log-write", "cannot write " + path + " (" + AgentWarnings.describe(e)
                    + "); recording goes on, this interval is not in the log");
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the last interval and closes the file; later calls do nothing. What could not be written by then
     * is lost, and said once.
     */
    public void close() {
        writeInterval();
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                long lostHistograms = pendingHistograms + droppedHistograms;
                if (lostHistograms > 0) {
                    warnings.warnOnce("log-lost", "at exit " + lostHistograms + " interval histograms ("
                            + (pendingSpawns + droppedSpawns) + " spawns) were never written to " + path
                            + ": the disk did not take them");
                }
                try {
                    file.close();
                } catch (IOException e) {
                    // the last write said what was wrong, if anything
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
