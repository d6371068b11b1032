package io.spawnlock.recording;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;

/**
 * Renders the lines of an HdrHistogram interval log (format 1.3, as HdrHistogram's own reader and writer
 * define it) into a buffer, with integer arithmetic only. HdrHistogram's writer formats its numbers with
 * {@code String.format} and the start time with {@code Date.toString}, which load the JDK's locale data on
 * first use; under a SecurityManager whose policy denies that (the JDK's own ProcessBuilder tests run under
 * one) the log could not be written at all. The lines are the writer's, byte for byte, but for the start
 * time in words, which is ISO-8601 here.
 */
final class LogLines {
    static final String LEGEND = "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"";
    private static final long NANOS_PER_MAX_UNIT = 1_000_000; // the max column is in milliseconds, as the writer's

    private final ByteArrayOutputStream out;
    private final StringBuilder line = new StringBuilder(256);
    private ByteBuffer encoded = ByteBuffer.allocate(1024);
    private long baseMillis;

    LogLines(ByteArrayOutputStream out) {
        this.out = out;
    }

    /** {@code #text}. */
    void comment(String text) {
        line.append('#').append(text);
        end();
    }

    /** The version, start time, base time and legend: what a log starts with. */
    void header(long startMillis) {
        comment("[Histogram log format version 1.3]");
        line.append("#[StartTime: ");
        seconds(startMillis);
        line.append(" (seconds since epoch), ").append(Instant.ofEpochMilli(startMillis)).append(']');
        end();
        baseMillis = startMillis;
        line.append("#[BaseTime: ");
        seconds(startMillis);
        line.append(" (seconds since epoch)]");
        end();
        line.append(LEGEND);
        end();
    }

    /** One interval: {@code [Tag=t,]start,length,max,histogram}, the start relative to the base time. */
    void interval(Histogram h) {
        int needed = h.getNeededByteBufferCapacity();
        if (encoded.capacity() < needed) {
            encoded = ByteBuffer.allocate(needed);
        }
        encoded.clear();
        int length = h.encodeIntoCompressedByteBuffer(encoded, Deflater.BEST_COMPRESSION);
        byte[] compressed = new byte[length];
        System.arraycopy(encoded.array(), 0, compressed, 0, length);
        if (h.getTag() != null) {
            line.append("Tag=").append(h.getTag()).append(',');
        }
        seconds(h.getStartTimeStamp() - baseMillis);
        line.append(',');
        seconds(h.getEndTimeStamp() - h.getStartTimeStamp());
        line.append(',');
        Units.fixed(line, h.getMaxValue(), NANOS_PER_MAX_UNIT, 3);
        line.append(',').append(Base64.getEncoder().encodeToString(compressed));
        end();
    }

    /** Milliseconds as seconds with three decimals. */
    private void seconds(long millis) {
        Units.fixed(line, millis, 1000, 3);
    }

    private void end() {
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        line.setLength(0);
    }
}
