package io.spawnlock.cli;

import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Unit;
import io.spawnlock.recording.Units;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The per-interval view: one row per interval and tag, printed as the logs are read. */
final class IntervalTable implements LogQuery.Sink {
    private final PrintStream target;
    private final boolean csv;
    private boolean headed;

    /**
     * {@link Units#of} per value seen: percentiles and maxima are bucket edges of the histograms, so a
     * long series repeats a few thousand values, and formatting each anew was most of its time.
     */
    private final Map<Unit, Map<Long, String>> formatted = new java.util.EnumMap<>(Unit.class);

    IntervalTable(PrintStream target, String format) {
        this.target = target;
        this.csv = !format.equals("text");
    }

    private final StringBuilder row = new StringBuilder(128);

    /** Milliseconds as seconds with one decimal, rounded half up, as {@code %.1f} prints them. */
    static String tenths(long millis) {
        return Units.fixed(new StringBuilder(12), millis, 1000, 1).toString();
    }

    private static StringBuilder padLeft(StringBuilder b, String s, int width) {
        for (int n = s.length(); n < width; n++) {
            b.append(' ');
        }
        return b.append(s);
    }

    private static StringBuilder padRight(StringBuilder b, String s, int width) {
        b.append(s);
        for (int n = s.length(); n < width; n++) {
            b.append(' ');
        }
        return b;
    }

    private String inUnits(long value, Unit unit) {
        Map<Long, String> known = formatted.computeIfAbsent(unit, u -> new java.util.HashMap<>());
        String text = known.get(value);
        if (text == null) {
            if (known.size() >= 1 << 16) {
                known.clear(); // bounded, whatever the values
            }
            text = Units.of(value, unit);
            known.put(value, text);
        }
        return text;
    }

    @Override
    public void interval(LogReader.Interval i, long offsetMillis) {
        Counts h = i.counts;
        Unit unit = Tags.unitOf(i.tag);
        if (csv) {
            if (!headed) {
                target.println("start_epoch_ms,offset_s,length_s,tag,unit,count,p50,p99,max");
            }
            // as "%d,%.3f,%.3f,%s,%s,%d,%d,%d,%d%n" would, without the Formatter's cost per line
            row.setLength(0);
            row.append(i.startMillis).append(',');
            Units.fixed(row, offsetMillis, 1000, 3).append(',');
            Units.fixed(row, i.endMillis - i.startMillis, 1000, 3).append(',');
            row.append(TotalsFormat.field(i.tag)).append(',').append(unit.raw).append(',').append(h.totalCount())
                    .append(',').append(h.valueAtPercentile(50)).append(',').append(h.valueAtPercentile(99))
                    .append(',').append(h.maxValue()).append(System.lineSeparator());
            target.append(row);
        } else {
            if (!headed) {
                target.printf(Locale.ROOT, "%10s  %-48s %8s %9s %9s %9s%n", "offset", "tag", "count", "p50", "p99", "max");
            }
            // as "%9.1fs  %-48s %8d %9s %9s %9s%n" would, without the Formatter's cost per line
            row.setLength(0);
            padLeft(row, tenths(offsetMillis), 9).append("s  ");
            padRight(row, i.tag, 48).append(' ');
            padLeft(row, Long.toString(h.totalCount()), 8).append(' ');
            padLeft(row, inUnits(h.valueAtPercentile(50), unit), 9).append(' ');
            padLeft(row, inUnits(h.valueAtPercentile(99), unit), 9).append(' ');
            padLeft(row, inUnits(h.maxValue(), unit), 9).append(System.lineSeparator());
            target.append(row);
        }
        headed = true;
    }
}
