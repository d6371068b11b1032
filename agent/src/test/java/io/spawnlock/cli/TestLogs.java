package io.spawnlock.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Writes small interval logs the way the agent does (HdrHistogram's writer, tags, base time). */
final class TestLogs {
    private final Path path;
    private final PrintStream ps;
    private final HistogramLogWriter writer;
    private final long startMillis;

    TestLogs(Path path, long startMillis) throws IOException {
        this.path = path;
        this.startMillis = startMillis;
        this.ps = new PrintStream(Files.newOutputStream(path));
        this.writer = new HistogramLogWriter(ps);
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputLegend();
    }

    /** One interval of {@code tag}, {@code offsetMillis} after the start, one second long. */
    TestLogs interval(String tag, long offsetMillis, long... values) {
        Histogram h = new Histogram(3_600_000_000_000L, 2);
        for (long v : values) {
            h.recordValue(v);
        }
        h.setTag(tag);
        h.setStartTimeStamp(startMillis + offsetMillis);
        h.setEndTimeStamp(startMillis + offsetMillis + 1000);
        writer.outputIntervalHistogram(h);
        return this;
    }

    /** One interval of {@code tag} holding {@code count} times {@code value}. */
    TestLogs intervalWithCount(String tag, long offsetMillis, long value, long count) {
        Histogram h = new Histogram(3_600_000_000_000L, 2);
        h.recordValueWithCount(value, count);
        h.setTag(tag);
        h.setStartTimeStamp(startMillis + offsetMillis);
        h.setEndTimeStamp(startMillis + offsetMillis + 1000);
        writer.outputIntervalHistogram(h);
        return this;
    }

    Path close() {
        ps.close();
        return path;
    }
}
