package io.spawnlock.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.Tags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The process sample at its boundary as a capability: what one sample records, and a quiet health. */
class ProcessSamplerTest {
    @Test
    void oneSampleRecordsTheProcessAsProcSeesItAndReportsNothingWhenHealthy() throws Exception {
        Recording recording = new Recording();
        ProcessSampler sampler = new ProcessSampler(recording);
        sampler.sample();
        sampler.sample();
        long procRss = 0;
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                procRss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        long fds;
        try (java.util.stream.Stream<java.nio.file.Path> open = Files.list(Paths.get("/proc/self/fd"))) {
            fds = open.count();
        }
        final long rssTruth = procRss;
        final long fdsTruth = fds;
        recording.takeIntervals(h -> { }); // the interval ends: its values join the totals since start
        recording.readSinceStart((Map<String, Histogram> byTag) -> {
            Histogram rss = byTag.get(Tags.OS_RESIDENT);
            assertEquals(2, rss.getTotalCount(), "one value per sample");
            assertTrue(rss.getMaxValue() > rssTruth / 2 && rss.getMaxValue() < rssTruth * 2,
                    rss.getMaxValue() + " B against /proc's " + rssTruth);
            Histogram open = byTag.get(Tags.OS_DESCRIPTORS);
            assertTrue(Math.abs(open.getMaxValue() - fdsTruth) <= 5 + fdsTruth / 50, open.getMaxValue() + " against " + fdsTruth);
            assertEquals(1, byTag.get(Tags.OS_MINOR_FAULTS).getTotalCount(), "faults are a difference: one for two samples");
            return null;
        });
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        sampler.reportHealth(new AgentWarnings(new PrintStream(said)));
        assertEquals("", said.toString(StandardCharsets.UTF_8));
    }
}
