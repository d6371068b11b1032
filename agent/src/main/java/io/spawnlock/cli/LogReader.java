package io.spawnlock.cli;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Streams the intervals of one HdrHistogram interval log (format 1.2/1.3, tagged or not), one line at a
 * time, so a log of any size is read in bounded memory. Unlike HdrHistogram's own reader it knows where
 * it is: every problem is a {@link BadLog} naming the file and the line, and what came before stays good.
 */
final class LogReader implements Closeable {
    /** One interval of one tag. Timestamps are absolute, in milliseconds since the epoch. */
    static final class Interval {
        final String tag;
        final long startMillis;
        final long endMillis;
        final Histogram histogram;

        Interval(String tag, long startMillis, long endMillis, Histogram histogram) {
            this.tag = tag;
            this.startMillis = startMillis;
            this.endMillis = endMillis;
            this.histogram = histogram;
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
    /** Timestamps above this (in seconds) are absolute, as HdrHistogram's reader decides too. */
    private static final double ABSOLUTE_AFTER_SECONDS = 365.0 * 24 * 3600 * 30;

    private final Path file;
    private final CountingStream counted;
    private final BufferedReader lines;
    private int lineNumber;
    private double baseSeconds = Double.NaN;
    private double startSeconds = Double.NaN;
    private boolean sawLogLine;

    private LogReader(Path file, CountingStream counted) {
        this.file = file;
        this.counted = counted;
        this.lines = new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Bytes of the file read so far (ahead of the lines returned by up to one buffer), for progress. */
    long bytesRead() {
        return counted.count;
    }

    /** Opens a log; a missing, empty, compressed or binary file is a {@link BadLog} here already. */
    static LogReader open(Path file) throws BadLog {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new BadLog(file + ": no such file");
        } catch (IOException e) {
            throw new BadLog(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 < 0) {
                in.close();
                throw new BadLog(file + ": empty file, not a histogram log");
            }
            if (b0 == 0x1f && b1 == 0x8b) {
                in.close();
                throw new BadLog(file + ": gzip-compressed (byte 0); decompress it first, e.g. gunzip -k " + file);
            }
        } catch (IOException e) {
            throw new BadLog(file + ": cannot read (" + e.getMessage() + ")");
        }
        return new LogReader(file, new CountingStream(in));
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

    private String readLine() throws BadLog {
        try {
            String line = lines.readLine();
            if (line != null) {
                lineNumber++;
                if (line.indexOf('\0') >= 0) {
                    throw new BadLog(file + ": line " + lineNumber + ": binary data, not a histogram log");
                }
            }
            return line;
        } catch (IOException e) {
            throw new BadLog(file + ": line " + (lineNumber + 1) + ": cannot read (" + e.getMessage() + ")");
        }
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
        Histogram histogram = decode(fields[3]);
        sawLogLine = true;
        double absoluteStart = start > ABSOLUTE_AFTER_SECONDS || Double.isNaN(baseSeconds) && Double.isNaN(startSeconds)
                ? start : start + (Double.isNaN(baseSeconds) ? startSeconds : baseSeconds);
        if (Double.isNaN(startSeconds)) {
            startSeconds = absoluteStart;
        }
        long startMillis = Math.round(absoluteStart * 1000);
        return new Interval(tag, startMillis, startMillis + Math.round(length * 1000), histogram);
    }

    private Histogram decode(String base64) throws BadLog {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
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
        try {
            lines.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count; // read by the same thread

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
