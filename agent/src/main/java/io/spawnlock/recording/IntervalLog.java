package io.spawnlock.recording;

import io.spawnlock.core.AgentWarnings;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
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
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes every tag's interval histogram to an HdrHistogram interval log (format 1.3, with tags), flushed at
 * every interval and once more at shutdown, so a normal exit or SIGTERM loses nothing.
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
    private final TrackingStream out;
    private final HistogramLogWriter writer;
    private boolean closed;

    private IntervalLog(Recording recording, AgentWarnings warnings, Path path, OutputStream file) {
        this.recording = recording;
        this.warnings = warnings;
        this.path = path;
        this.out = new TrackingStream(new BufferedOutputStream(file, 64 * 1024));
        this.writer = new HistogramLogWriter(out);
    }

    /**
     * Creates the log file (owner-only, never through an existing file or symlink: if the name is taken, the
     * next free {@code name.N.ext} is used) and writes the header.
     */
    public static IntervalLog create(Path requested, Recording recording, AgentWarnings warnings,
                                     List<String> headerComments, long startMillis) throws IOException {
        Path parent = requested.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, OWNER_ONLY_DIR);
        }
        Path path = requested;
        for (int attempt = 1; ; attempt++) {
            try {
                OutputStream file = Channels.newOutputStream(Files.newByteChannel(path,
                        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE));
                if (!path.equals(requested)) {
                    warnings.warnOnce("log-renamed", requested + " already exists; logging to " + path);
                }
                IntervalLog log = new IntervalLog(recording, warnings, path, file);
                log.writeHeader(headerComments, startMillis);
                return log;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
                path = numbered(requested, attempt);
            }
        }
    }

    static Path numbered(Path path, int n) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "." + n + name.substring(dot) : name + "." + n;
        return path.resolveSibling(numbered);
    }

    public Path path() {
        return path;
    }

    private void writeHeader(List<String> comments, long startMillis) throws IOException {
        for (String c : comments) {
            writer.outputComment("[spawnlock " + c + "]");
        }
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputBaseTime(startMillis);
        writer.outputLegend();
        out.flush();
        out.check();
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
            String c;
            while ((c = pendingComments.poll()) != null) {
                writer.outputComment("[spawnlock " + c + "]");
            }
            recording.takeIntervals(h -> {
                if (h.getTotalCount() > 0) {
                    writer.outputIntervalHistogram(h);
                }
            });
            out.flush();
            out.check();
            return true;
        } catch (IOException | RuntimeException e) {
            warnings.warnOnce("log-write", "cannot write " + path + " (" + AgentWarnings.describe(e)
                    + "); recording goes on, this interval is not in the log");
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the last interval and closes the file; later calls do nothing. */
    public void close() {
        writeInterval();
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                writer.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Remembers the first write failure, which PrintStream (inside HistogramLogWriter) would swallow. */
    private static final class TrackingStream extends FilterOutputStream {
        private IOException failure;

        TrackingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                remember(e);
                throw e;
            }
        }

        private void remember(IOException e) {
            if (failure == null) {
                failure = e;
            }
        }

        void check() throws IOException {
            IOException f = failure;
            failure = null;
            if (f != null) {
                throw f;
            }
        }
    }
}
