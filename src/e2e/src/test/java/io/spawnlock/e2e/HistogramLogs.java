package io.spawnlock.e2e;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;

/** Reads logs with HdrHistogram's own reader, as any user's tooling would. */
public final class HistogramLogs {
    private HistogramLogs() {}

    /** Total count per tag over the whole log; an absent tag recorded nothing. */
    public static Map<String, Long> counts(Path log) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                String tag = h.getTag() == null ? "" : h.getTag();
                counts.merge(tag, ((org.HdrHistogram.Histogram) h).getTotalCount(), Long::sum);
            }
        }
        return counts;
    }

    /** Number of interval lines per tag. */
    public static Map<String, Integer> intervals(Path log) throws Exception {
        Map<String, Integer> intervals = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                intervals.merge(h.getTag() == null ? "" : h.getTag(), 1, Integer::sum);
            }
        }
        return intervals;
    }

    /** The highest value of a tag over the whole log, or -1 if the tag is absent. */
    public static long max(Path log, String tag) throws Exception {
        long max = -1;
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (tag.equals(h.getTag())) {
                    max = Math.max(max, ((org.HdrHistogram.Histogram) h).getMaxValue());
                }
            }
        }
        return max;
    }

    /** Mean value per tag over the whole log. */
    public static Map<String, Double> means(Path log) throws Exception {
        Map<String, Double> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                org.HdrHistogram.Histogram h = (org.HdrHistogram.Histogram) e;
                String tag = h.getTag() == null ? "" : h.getTag();
                sums.merge(tag, h.getMean() * h.getTotalCount(), Double::sum);
                counts.merge(tag, h.getTotalCount(), Long::sum);
            }
        }
        Map<String, Double> means = new TreeMap<>();
        sums.forEach((tag, sum) -> means.put(tag, counts.get(tag) == 0 ? 0 : sum / counts.get(tag)));
        return means;
    }
}
