package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A log with two intervals of tag spawn (1..1000 µs) and one of spawn.failed (2 ms). */
    private Path sampleLog() throws Exception {
        Path p = dir.resolve("s.hlog");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(p))) {
            HistogramLogWriter w = new HistogramLogWriter(ps);
            w.outputLogFormatVersion();
            w.outputStartTime(1_000_000L);
            w.setBaseTime(1_000_000L);
            w.outputLegend();
            for (int interval = 0; interval < 2; interval++) {
                Histogram h = new Histogram(3_600_000_000_000L, 2);
                for (int i = 1 + interval * 500; i <= 500 + interval * 500; i++) {
                    h.recordValue(i * 1000L);
                }
                h.setTag("spawn");
                h.setStartTimeStamp(1_000_000L + interval * 1000L);
                h.setEndTimeStamp(1_001_000L + interval * 1000L);
                w.outputIntervalHistogram(h);
            }
            Histogram f = new Histogram(3_600_000_000_000L, 2);
            f.recordValue(2_000_000L);
            f.setTag("spawn.failed");
            f.setStartTimeStamp(1_000_000L);
            f.setEndTimeStamp(1_001_000L);
            w.outputIntervalHistogram(f);
        }
        return p;
    }

    private static String row(String text, String tag) {
        for (String line : text.split("\\R")) {
            if (line.startsWith(tag + " ")) {
                return line.replaceAll("\\s+", " ");
            }
        }
        throw new AssertionError("no row for " + tag + " in:\n" + text);
    }

    @Test
    void reportsEveryTagAcrossIntervals() throws Exception {
        assertEquals(0, run("report", sampleLog().toString()));
        // 1..1000 µs, as HdrHistogram resolves them at 2 significant digits
        assertEquals("spawn 1000 1.00µs 502µs 901µs 991µs 999µs 1.00ms 500µs", row(out(), "spawn"));
        assertEquals("spawn.failed 1 2.00ms 2.01ms 2.01ms 2.01ms 2.01ms 2.01ms 2.00ms", row(out(), "spawn.failed"));
        assertEquals("", err());
    }

    @Test
    void aMissingFileIsOneClearLine() {
        Path missing = dir.resolve("missing.hlog");
        assertEquals(2, run("report", missing.toString()));
        assertTrue(err().startsWith("spawnlock: report: cannot read " + missing), err());
        assertEquals(1, err().split("\\R").length, err());
    }

    @Test
    void aCorruptLineStillReportsWhatWasRead() throws Exception {
        Path p = sampleLog();
        Files.write(p, "Tag=spawn,3.0,1.0,1.0,NOT-A-HISTOGRAM\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(2, run("report", p.toString()));
        assertTrue(row(out(), "spawn").startsWith("spawn 1000 "), out());
        assertTrue(err().startsWith("spawnlock: report: " + p + " is unreadable after interval 3"), err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("report"));
        assertEquals(2, run("report", "--bogus"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run());
        assertTrue(err().contains("unknown command 'frobnicate'"), err());
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("report <log>..."), out());
        assertEquals(0, run("version"));
        assertTrue(out().contains("spawnlock "), out());
    }
}
