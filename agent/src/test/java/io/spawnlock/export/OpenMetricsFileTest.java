package io.spawnlock.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.recording.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export part at its boundary: the totals since start become the OpenMetrics textfile, each sample
 * held to HdrHistogram's own answer for the same histogram (quantiles, count, sum), scaled to the
 * family's unit.
 */
class OpenMetricsFileTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "(spawnlock_\\w+?)(_sum|_count)?\\{tag=\"((?:[^\"\\\\]|\\\\.)*)\",pid=\"42\"(?:,quantile=\"([0-9.]+)\")?\\} (\\S+)");

    private static Histogram histogram(long seed, int n, long max) {
        Histogram h = new Histogram(3);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            h.recordValue(1 + (long) (r.nextDouble() * r.nextDouble() * max));
        }
        return h;
    }

    @Test
    void everySampleIsHdrHistogramsOwnAnswerInTheFamilysUnit() {
        Map<String, Histogram> tags = new LinkedHashMap<>();
        tags.put(Tags.SPAWN, histogram(1, 5_000, 2_000_000_000L));
        tags.put(Tags.LOCK_WAIT + "com.acme.Pool.\"odd\\name\"", histogram(2, 300, 900_000_000L));
        tags.put(Tags.OS_RESIDENT, histogram(3, 40, 8L << 30));
        tags.put(Tags.LOCK_QUEUE + "com.acme.Pool.lock", histogram(4, 1_000, 40));
        tags.put(Tags.SPAWN_FAILED, new Histogram(3)); // nothing recorded: left out
        String text = OpenMetricsFile.render(tags, 42);

        assertTrue(text.endsWith("# EOF\n"), text);
        Map<String, Map<String, Double>> byTag = new HashMap<>();
        Map<String, String> familyOf = new HashMap<>();
        List<String> types = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                types.add(line.split(" ")[2]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "a sample line: " + line);
            String tag = m.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
            String key = m.group(2) != null ? m.group(2) : m.group(4);
            byTag.computeIfAbsent(tag, k -> new HashMap<>()).put(key, Double.parseDouble(m.group(5)));
            familyOf.put(tag, m.group(1));
        }
        assertEquals(List.of("spawnlock_seconds", "spawnlock_values", "spawnlock_bytes"), types, "each family once, in the units' order");
        assertFalse(byTag.containsKey(Tags.SPAWN_FAILED), "a tag with no values is left out");
        assertEquals(4, byTag.size(), byTag.keySet().toString());
        for (Map.Entry<String, Histogram> e : tags.entrySet()) {
            Histogram h = e.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            Map<String, Double> samples = byTag.get(e.getKey());
            double scale = familyOf.get(e.getKey()).equals("spawnlock_seconds") ? 1e-9 : 1;
            assertEquals(h.getTotalCount(), samples.get("_count"), e.getKey());
            assertEquals(h.getMean() * h.getTotalCount() * scale, samples.get("_sum"),
                    Math.abs(h.getMean() * h.getTotalCount() * scale) * 1e-8, e.getKey());
            for (String q : new String[] {"0.5", "0.9", "0.99", "0.999"}) {
                double expected = h.getValueAtPercentile(Double.parseDouble(q) * 100) * scale;
                assertEquals(expected, samples.get(q), Math.abs(expected) * 1e-8, e.getKey() + " q" + q);
            }
        }
        assertEquals("spawnlock_bytes", familyOf.get(Tags.OS_RESIDENT));
        assertEquals("spawnlock_values", familyOf.get(Tags.LOCK_QUEUE + "com.acme.Pool.lock"));
    }

    @Test
    void theFileIsReplacedWholeAndOwnerOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spawnlock.prom");
        OpenMetricsFile metrics = new OpenMetricsFile(file, 42);
        Map<String, Histogram> tags = Map.of(Tags.SPAWN, histogram(5, 10, 1_000_000));
        metrics.write(metrics.render(tags));
        metrics.write(metrics.render(tags));
        assertEquals(OpenMetricsFile.render(tags, 42), Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file left beside it");
        }
    }
}
