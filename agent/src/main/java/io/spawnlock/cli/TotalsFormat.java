package io.spawnlock.cli;

import io.spawnlock.doctor.Herds;
import io.spawnlock.doctor.SpawnBreakdown;
import io.spawnlock.recording.TagTable;
import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Unit;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The renderers of {@code report}'s totals, one per format (the html page, which needs the intervals, is {@link HtmlReport}). */
enum TotalsFormat {
    /** An aligned table in human units, then why spawns are slow and the herds, when the tags tell it. */
    TEXT {
        @Override
        void render(Map<String, Histogram> byTag, PrintStream target) {
            TagTable table = new TagTable(Math.max(12, byTag.keySet().stream().mapToInt(String::length).max().orElse(0)),
                    TagTable.Stat.values());
            target.print(table.header());
            for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
                target.print(table.row(e.getKey(), e.getValue()));
            }
            SpawnBreakdown breakdown = SpawnBreakdown.of(byTag);
            if (breakdown != null) {
                target.println();
                breakdown.lines().forEach(target::println);
            }
            List<String> herds = Herds.lines(byTag);
            if (!herds.isEmpty()) {
                target.println();
                herds.forEach(target::println);
            }
        }
    },
    /** One row per tag, values in the tag's raw unit (nanoseconds for times). */
    CSV {
        @Override
        void render(Map<String, Histogram> byTag, PrintStream target) {
            target.println("tag,unit,count,min,p50,p90,p99,p99.9,max,mean");
            for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
                Histogram h = e.getValue();
                target.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%.1f%n", field(e.getKey()),
                        Tags.unitOf(e.getKey()).raw, h.getTotalCount(), h.getMinValue(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
            }
        }
    },
    /** HdrHistogram's own percentile distribution, one block per tag; times in milliseconds. */
    HGRM {
        @Override
        void render(Map<String, Histogram> byTag, PrintStream target) {
            for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
                Unit unit = Tags.unitOf(e.getKey());
                target.println("# tag: " + e.getKey() + " (" + unit.scaledInWords + ")");
                e.getValue().outputPercentileDistribution(target, 5, unit.scale);
                target.println();
            }
        }
    };

    abstract void render(Map<String, Histogram> byTag, PrintStream target);

    /** The renderer of a {@code --format} value other than html. */
    static TotalsFormat of(String format) {
        return valueOf(format.toUpperCase(Locale.ROOT));
    }

    /** A CSV field, quoted when it holds a comma or a quote. */
    static String field(String text) {
        return text.indexOf(',') < 0 && text.indexOf('"') < 0 ? text : '"' + text.replace("\"", "\"\"") + '"';
    }
}
