package io.spawnlock.recording;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The text table of tags and their statistics, as {@code report} prints it for a log and a dump for the
 * totals since start: the tag, then one right-aligned column per statistic, each value in its tag's unit.
 */
public final class TagTable {
    /** A column: its heading and how its value is read from a tag's histogram. */
    public enum Stat {
        COUNT("count", 10), MIN("min", 9), P50("p50", 9), P90("p90", 9), P99("p99", 9), P999("p99.9", 9),
        MAX("max", 9), MEAN("mean", 9);

        final String heading;
        final int width;

        Stat(String heading, int width) {
            this.heading = heading;
            this.width = width;
        }

        String value(Histogram h, Unit unit) {
            switch (this) {
                case COUNT: return Long.toString(h.getTotalCount());
                case MIN: return Units.of(h.getMinValue(), unit);
                case P50: return Units.of(h.getValueAtPercentile(50), unit);
                case P90: return Units.of(h.getValueAtPercentile(90), unit);
                case P99: return Units.of(h.getValueAtPercentile(99), unit);
                case P999: return Units.of(h.getValueAtPercentile(99.9), unit);
                case MAX: return Units.of(h.getMaxValue(), unit);
                default: return Units.of(h.getMean(), unit);
            }
        }
    }

    private final String format;
    private final Stat[] stats;

    /** A table whose tag column is {@code tagWidth} wide (longer tags push their row's columns right). */
    public TagTable(int tagWidth, Stat... stats) {
        StringBuilder f = new StringBuilder("%-").append(tagWidth).append('s');
        for (Stat s : stats) {
            f.append(" %").append(s.width).append('s');
        }
        this.format = f.append("%n").toString();
        this.stats = stats.clone();
    }

    /** The heading line, with its line end. */
    public String header() {
        Object[] cells = new Object[stats.length + 1];
        cells[0] = "tag";
        for (int i = 0; i < stats.length; i++) {
            cells[i + 1] = stats[i].heading;
        }
        return String.format(Locale.ROOT, format, cells);
    }

    /** One tag's line, with its line end. */
    public String row(String tag, Histogram h) {
        Unit unit = Tags.unitOf(tag);
        Object[] cells = new Object[stats.length + 1];
        cells[0] = tag;
        for (int i = 0; i < stats.length; i++) {
            cells[i + 1] = stats[i].value(h, unit);
        }
        return String.format(Locale.ROOT, format, cells);
    }
}
