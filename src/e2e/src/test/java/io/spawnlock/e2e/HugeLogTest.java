package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A huge log for the CLI, sized for CI: 10 tags over 20,000 one-second intervals (200,000 histograms, about
 * 20 MB), reported by a JVM whose heap (24 MB) could not hold one in a hundred of them decoded: the log is
 * streamed, and the counts add up.
 */
class HugeLogTest {
    private static final int TAGS = 10;
    private static final int INTERVALS = 20_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aHugeLogIsStreamedInASmallHeap(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("huge.hlog");
        try (PrintStream out = new PrintStream(Files.newOutputStream(log))) {
            HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputLogFormatVersion();
            writer.outputStartTime(0);
            writer.setBaseTime(0);
            writer.outputLegend();
            Histogram h = new Histogram(3_600_000_000_000L, 2);
            for (int i = 0; i < INTERVALS; i++) {
                for (int t = 0; t < TAGS; t++) {
                    h.reset();
                    h.setStartTimeStamp(i * 1000L);
                    h.setEndTimeStamp(i * 1000L + 1000);
                    h.setTag("tag" + t);
                    for (int v = 1; v <= 5; v++) {
                        h.recordValue(1_000_000L * v + i * 997L + t * 31L);
                    }
                    writer.outputIntervalHistogram(h);
                }
            }
        }
        assertTrue(Files.size(log) > 16 << 20, "huge enough: " + Files.size(log));
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Xmx24m", "-jar", ForkedJvm.AGENT_JAR.toString(), "report",
                "--format", "csv", log.toString()).run();
        assertEquals(0, r.exitCode, r.stderr);
        String[] lines = r.stdout.split("\n");
        assertEquals(TAGS + 1, lines.length, r.stdout);
        for (int t = 1; t <= TAGS; t++) {
            assertEquals(Integer.toString(INTERVALS * 5), lines[t].split(",")[2], lines[t]);
        }
    }
}
