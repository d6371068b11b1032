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

    /**
     * 50 MB without a line end, and 300 MB of NUL bytes (before: an OutOfMemoryError after 9 s, or 1.19 GB of
     * heap), in the same 24 MB heap: one line naming the file and where, exit 2, in seconds.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void inputWithoutLineEndsFailsInASmallHeap(Jdks.Jdk jdk) throws Exception {
        Path lineFree = dir.resolve("line-free.hlog");
        Path nuls = dir.resolve("nuls.hlog");
        byte[] block = new byte[1 << 20];
        try (java.io.OutputStream zero = Files.newOutputStream(nuls)) {
            zero.write("#[Histogram log format version 1.3]\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < 300; i++) {
                zero.write(block);
            }
        }
        java.util.Arrays.fill(block, (byte) 'x');
        try (java.io.OutputStream x = Files.newOutputStream(lineFree)) {
            for (int i = 0; i < 50; i++) {
                x.write(block);
            }
        }
        long t0 = System.nanoTime();
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Xmx24m", "-jar", ForkedJvm.AGENT_JAR.toString(), "report",
                lineFree.toString(), nuls.toString()).run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(2, r.exitCode, r.toString());
        assertEquals("spawnlock: report: " + lineFree + ": line 1: no line end in 4 MiB from byte 0, not a histogram log;"
                + " what came before it is reported\n"
                + "spawnlock: report: " + nuls + ": line 2: binary data, not a histogram log; what came before it is"
                + " reported\n", r.stderr);
        assertTrue(seconds < 20, "in seconds, not after filling the heap: " + seconds + " s");
    }
}
