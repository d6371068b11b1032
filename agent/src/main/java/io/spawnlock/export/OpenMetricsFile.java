package io.spawnlock.export;

import io.spawnlock.config.TestFaults;
import io.spawnlock.recording.Tags;
import io.spawnlock.recording.PrivateFiles;
import io.spawnlock.recording.Unit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Every tag since start as an OpenMetrics text file, for Prometheus' node_exporter textfile collector:
 * one summary family per unit ({@code spawnlock_seconds}, {@code spawnlock_bytes}, {@code spawnlock_values}),
 * the tag as a label, quantiles 0.5/0.9/0.99/0.999, {@code _count} and {@code _sum}. Counts only grow, so a
 * fleet's rates and sums are Prometheus' to take. The file is replaced whole (written beside it, then
 * renamed), never written through, and owner-only like everything the agent creates.
 */
public final class OpenMetricsFile {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private final Path file;
    private final long pid;

    public OpenMetricsFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    public Path file() {
        return file;
    }

    /** The file's text for the histograms given (tag to its values since start). */
    public String render(Map<String, Histogram> sinceStart) {
        return render(sinceStart, pid);
    }

    /** Replaces the file with {@code text}. */
    public void write(String text) throws IOException {
        TestFaults.check("metrics");
        PrivateFiles.writeWhole(file, text);
    }

    static String render(Map<String, Histogram> sinceStart, long pid) {
        StringBuilder out = new StringBuilder();
        for (Unit unit : Unit.values()) {
            String family = family(unit);
            boolean headed = false;
            for (Map.Entry<String, Histogram> e : sinceStart.entrySet()) {
                if (Tags.unitOf(e.getKey()) != unit || e.getValue().getTotalCount() == 0) {
                    continue;
                }
                if (!headed) {
                    out.append("# TYPE ").append(family).append(" summary\n");
                    if (unit != Unit.COUNT) {
                        out.append("# UNIT ").append(family).append(' ').append(unitName(unit)).append('\n');
                    }
                    out.append("# HELP ").append(family).append(' ').append(help(unit)).append('\n');
                    headed = true;
                }
                Histogram h = e.getValue();
                String labels = "tag=\"" + escape(e.getKey()) + "\",pid=\"" + pid + "\"";
                double scale = unit == Unit.NANOS ? 1e-9 : 1;
                for (double q : QUANTILES) {
                    out.append(family).append('{').append(labels).append(",quantile=\"").append(q).append("\"} ")
                            .append(number(h.getValueAtPercentile(q * 100) * scale)).append('\n');
                }
                out.append(family).append("_sum{").append(labels).append("} ")
                        .append(number(h.getMean() * h.getTotalCount() * scale)).append('\n');
                out.append(family).append("_count{").append(labels).append("} ").append(h.getTotalCount()).append('\n');
            }
        }
        out.append("# EOF\n");
        return out.toString();
    }

    private static String family(Unit unit) {
        switch (unit) {
            case NANOS:
                return "spawnlock_seconds";
            case BYTES:
                return "spawnlock_bytes";
            default:
                return "spawnlock_values";
        }
    }

    private static String unitName(Unit unit) {
        return unit == Unit.NANOS ? "seconds" : "bytes";
    }

    private static String help(Unit unit) {
        switch (unit) {
            case NANOS:
                return "Spawn and spawn-lock times since the JVM started, per spawnlock tag.";
            case BYTES:
                return "Memory of the JVM sampled once per interval, per spawnlock tag.";
            default:
                return "Counts per event (waiters, overtakes, faults, descriptors), per spawnlock tag.";
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.9g", v);
    }

    /** Label values escape backslash, double quote and newline. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
