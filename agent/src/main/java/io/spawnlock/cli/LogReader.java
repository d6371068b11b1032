package io.spawnlock.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Streams the intervals of one HdrHistogram interval log (format 1.2/1.3, tagged or not), one line at a
 * time, so a log of any size is read in bounded memory: a line may be at most {@link #MAX_LINE_BYTES} long,
 * so input without line ends (a binary file, {@code /dev/zero}) fails early instead of filling the heap.
 * Only regular files are read: a FIFO or a device could keep the reader waiting for ever. Unlike
 * HdrHistogram's own reader it knows where it is: every problem is a {@link BadLog} naming the file and the
 * line, and what came before stays good. A last line without its line end is such a problem (the file was
 * cut short, or is still being written): the agent ends every line it writes.
 */
final class LogReader implements Closeable {
    /** One interval of one tag. Timestamps are absolute, in milliseconds since the epoch. */
    static final class Interval {
        final String tag;
        final long startMillis;
        final long endMillis;
        final Counts counts;
        /** Where it was read, for a message about it (null, 0 for one made in a test). */
        private final Path file;
        private final int line;

        Interval(String tag, long startMillis, long endMillis, Histogram histogram) {
            this(tag, startMillis, endMillis, Counts.of(histogram), null, 0);
        }

        private Interval(String tag, long startMillis, long endMillis, Counts counts, Path file, int line) {
            this.tag = tag;
            this.startMillis = startMillis;
            this.endMillis = endMillis;
            this.counts = counts;
            this.file = file;
            this.line = line;
        }

        /**
         * Adds this interval's counts to {@code sum}; a total beyond what 64 bits hold is a {@link BadLog}
         * here, before the sum is touched, so no count is ever printed wrapped around to a negative number.
         */
        void addTo(Histogram sum) throws BadLog {
            long total = sum.getTotalCount() + counts.totalCount();
            if (total < 0) {
                throw new BadLog(file + ": line " + line + ": the count of " + tag + " overflows 64 bits when added to the "
                        + sum.getTotalCount() + " before it");
            }
            counts.addTo(sum);
        }
    }

    /** The log cannot be read on from here; the message names the file and the position. */
    static final class BadLog extends Exception {
        private static final long serialVersionUID = 1L;

        BadLog(String message) {
            super(message);
        }
    }

    static final String UNTAGGED = "(untagged)";
    /** The longest line read: a compressed histogram line of the widest range is far below it. */
    static final int MAX_LINE_BYTES = 4 << 20;
    /** Timestamps above this (in seconds) are absolute, as HdrHistogram's reader decides too. */
    private static final double ABSOLUTE_AFTER_SECONDS = 365.0 * 24 * 3600 * 30;

    private final Path file;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long bytesRead;
    private byte[] line = new byte[1 << 10];
    private boolean cut;
    private int lineNumber;
    private final Counts.Decoder decoder = new Counts.Decoder();
    private double baseSeconds = Double.NaN;
    private double startSeconds = Double.NaN;
    private boolean sawLogLine;

    private LogReader(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Bytes of the file read so far (ahead of the lines returned by up to one buffer), for progress. */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * Opens a log; a missing, empty, compressed or binary file, and anything that is not a regular file,
     * is a {@link BadLog} here already.
     */
    static LogReader open(Path file) throws BadLog {
        LogReader reader;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new BadLog(file + ": " + kind(file, attributes) + ", not a log file; only regular files are read"
                        + " (a pipe or a device could keep the command waiting), so save it to a file first");
            }
            reader = new LogReader(file, Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new BadLog(file + ": no such file");
        } catch (IOException e) {
            throw new BadLog(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            if (!reader.fill()) {
                reader.close();
                throw new BadLog(file + ": empty file, not a histogram log");
            }
            if (reader.limit >= 2 && (reader.buffer[0] & 0xff) == 0x1f && (reader.buffer[1] & 0xff) == 0x8b) {
                reader.close();
                throw new BadLog(file + ": gzip-compressed (byte 0); decompress it first, e.g. gunzip -k " + file);
            }
        } catch (IOException e) {
            reader.close();
            throw new BadLog(file + ": cannot read (" + e.getMessage() + ")");
        }
        return reader;
    }

    /** What a file that is not regular is, in words. */
    private static String kind(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            switch (type) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no unix view here: the general word below
        }
        return "not a regular file";
    }

    /** The log's start time in milliseconds since the epoch, once its header has been read; else NaN. */
    double startMillis() {
        return Double.isNaN(startSeconds) ? Double.NaN : startSeconds * 1000;
    }

    /** The next interval, or null at the end of the log. */
    Interval next() throws BadLog {
        return next(null);
    }

    /**
     * The next interval of a tag {@code wanted} accepts (all when null), or null at the end of the log.
     * The others are skipped without decoding their histograms.
     */
    Interval next(java.util.function.Predicate<String> wanted) throws BadLog {
        String line;
        while ((line = readLine()) != null) {
            if (cut) {
                throw corrupt("the file ends inside this line (cut short, or still being written)");
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                header(line);
                continue;
            }
            if (line.startsWith("\"StartTimestamp\"")) {
                sawLogLine = true;
                continue;
            }
            Interval i = interval(line, wanted);
            if (i != null) {
                return i;
            }
        }
        if (!sawLogLine) {
            throw new BadLog(file + ": not a histogram log (no header, no interval in " + lineNumber + " lines)");
        }
        return null;
    }

    /** The next line without its line end, or null at the end of the file. */
    private String readLine() throws BadLog {
        if (cut) {
            return null;
        }
        int length = 0;
        long lineStart = bytesRead - (limit - position);
        while (true) {
            if (position == limit) {
                try {
                    if (!fill()) {
                        if (length == 0) {
                            return null;
                        }
                        cut = true;
                        break;
                    }
                } catch (IOException e) {
                    throw new BadLog(file + ": line " + (lineNumber + 1) + ": cannot read (" + e.getMessage() + ")");
                }
            }
            byte b = buffer[position++];
            if (b == '\n') {
                break;
            }
            if (b == 0) {
                throw new BadLog(file + ": line " + (lineNumber + 1) + ": binary data, not a histogram log");
            }
            if (length == line.length) {
                if (length == MAX_LINE_BYTES) {
                    throw new BadLog(file + ": line " + (lineNumber + 1) + ": no line end in " + (MAX_LINE_BYTES >> 20)
                            + " MiB from byte " + lineStart + ", not a histogram log");
                }
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, 2 * length));
            }
            line[length++] = b;
        }
        lineNumber++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    /** Reads the next block; false at the end of the file. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        position = 0;
        limit = Math.max(n, 0);
        if (n > 0) {
            bytesRead += n;
        }
        return n > 0;
    }

    private void header(String line) {
        String text = line.startsWith("#[") && line.endsWith("]") ? line.substring(2, line.length() - 1) : line.substring(1);
        if (text.startsWith("StartTime: ")) {
            startSeconds = leadingNumber(text.substring("StartTime: ".length()));
            sawLogLine = true;
        } else if (text.startsWith("BaseTime: ")) {
            baseSeconds = leadingNumber(text.substring("BaseTime: ".length()));
            sawLogLine = true;
        } else if (text.startsWith("Histogram log format version")) {
            sawLogLine = true;
        }
    }

    private static double leadingNumber(String s) {
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        try {
            return Double.parseDouble(s.substring(0, end));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The interval on this line, or null if its tag is not wanted. */
    private Interval interval(String line, java.util.function.Predicate<String> wanted) throws BadLog {
        String tag = UNTAGGED;
        String rest = line;
        if (line.startsWith("Tag=")) {
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw corrupt("a tag with nothing after it");
            }
            tag = line.substring(4, comma);
            rest = line.substring(comma + 1);
        }
        if (wanted != null && !wanted.test(tag)) {
            sawLogLine = true;
            return null;
        }
        String[] fields = rest.split(",", -1);
        if (fields.length != 4) {
            throw corrupt(sawLogLine ? "expected start,length,max,histogram" : "not a histogram log line");
        }
        double start;
        double length;
        try {
            start = Double.parseDouble(fields[0]);
            length = Double.parseDouble(fields[1]);
        } catch (NumberFormatException e) {
            throw corrupt("the start or length is not a number");
        }
        if (!Double.isFinite(start) || !Double.isFinite(length) || length < 0) {
            throw corrupt("the start or length is not a finite number (length at least 0)");
        }
        Counts histogram = decode(fields[3]);
        sawLogLine = true;
        double absoluteStart = start > ABSOLUTE_AFTER_SECONDS || Double.isNaN(baseSeconds) && Double.isNaN(startSeconds)
                ? start : start + (Double.isNaN(baseSeconds) ? startSeconds : baseSeconds);
        if (Double.isNaN(startSeconds)) {
            startSeconds = absoluteStart;
        }
        long startMillis = Math.round(absoluteStart * 1000);
        return new Interval(tag, startMillis, startMillis + Math.round(length * 1000), histogram, file, lineNumber);
    }

    private Counts decode(String base64) throws BadLog {
        try {
            Counts c = decoder.decode(Base64.getDecoder().decode(base64));
            if (c.totalCount() < 0) {
                throw corrupt("the histogram's counts overflow 64 bits");
            }
            return c;
        } catch (IllegalArgumentException | DataFormatException | IndexOutOfBoundsException
                 | java.nio.BufferUnderflowException e) {
            throw corrupt("the histogram does not decode (truncated or corrupt)");
        }
    }

    private BadLog corrupt(String what) {
        return new BadLog(file + ": line " + lineNumber + ": " + what);
    }

    @Override
    public void close() {
        decoder.close();
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
