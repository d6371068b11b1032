package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;

/** Our lines against HdrHistogram's own writer (byte for byte) and reader, for histograms of every shape. */
class LogLinesTest {
    @Test
    void theLinesAreHdrHistogramsWritersByteForByte() {
        Random random = new Random(7);
        long start = 1_764_612_345_678L;
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        LogLines lines = new LogLines(ours);
        PrintStream ps = new PrintStream(theirs, false, StandardCharsets.UTF_8);
        HistogramLogWriter writer = new HistogramLogWriter(ps);
        lines.header(start);
        writer.outputLogFormatVersion();
        writer.outputStartTime(start);
        writer.setBaseTime(start);
        writer.outputBaseTime(start);
        writer.outputLegend();
        for (int i = 0; i < 2000; i++) {
            Histogram h = new Histogram(2);
            int values = random.nextInt(50);
            for (int v = 0; v < values; v++) {
                // from 1 ns to an hour, and the rounding edges of the max column (x.xxx5 ms)
                long value = i % 3 == 0 ? (1 + random.nextInt(100_000)) * 1000L + 500 : (long) Math.exp(random.nextDouble() * 29);
                h.recordValue(Math.max(0, value));
            }
            h.setTag(i % 4 == 0 ? null : "tag" + i % 7);
            long offset = random.nextInt(100_000_000) - 5_000; // also before the base time
            h.setStartTimeStamp(start + offset);
            h.setEndTimeStamp(start + offset + random.nextInt(60_000));
            lines.interval(h);
            writer.outputIntervalHistogram(h);
            lines.comment("[spawnlock a note " + i + "]");
            writer.outputComment("[spawnlock a note " + i + "]");
        }
        ps.flush();
        String[] a = ours.toString(StandardCharsets.UTF_8).split("\n", -1);
        String[] b = theirs.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(b.length, a.length);
        for (int i = 0; i < a.length; i++) {
            if (i == 1) { // the start time in words: ISO-8601 instead of Date.toString
                assertEquals("#[StartTime: 1764612345.678 (seconds since epoch), 2025-12-01T18:05:45.678Z]", a[i]);
                assertTrue(b[i].startsWith("#[StartTime: 1764612345.678 (seconds since epoch), "), b[i]);
                continue;
            }
            assertEquals(b[i], a[i], "line " + (i + 1));
        }
        // and HdrHistogram's reader takes it back
        HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(ours.toByteArray()));
        int read = 0;
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            read++;
        }
        assertEquals(2000, read);
    }
}
