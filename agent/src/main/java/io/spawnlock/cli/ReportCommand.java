package io.spawnlock.cli;

import io.spawnlock.recording.Tags;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * {@code report <log>...}: every tag's distribution over the whole of the given logs, in human units.
 * What could be read is reported even when a file is unreadable further on; that case exits 2.
 */
final class ReportCommand {
    private static final String USAGE = "usage: java -jar spawnlock-agent.jar report <log>...";

    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        List<String> files = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return Cli.OK;
            }
            if (a.startsWith("-")) {
                err.println("spawnlock: report: unknown option '" + a + "' (" + USAGE + ")");
                return Cli.USAGE;
            }
            files.add(a);
        }
        if (files.isEmpty()) {
            err.println("spawnlock: report: no log given (" + USAGE + ")");
            return Cli.USAGE;
        }
        Map<String, Histogram> byTag = new LinkedHashMap<>();
        int status = Cli.OK;
        for (String file : files) {
            if (!read(file, byTag)) {
                status = Cli.USAGE;
            }
        }
        print(byTag);
        return status;
    }

    private boolean read(String file, Map<String, Histogram> byTag) {
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(file)) {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                intervals++;
                if (!(next instanceof Histogram)) {
                    continue; // DoubleHistogram: not something spawnlock writes
                }
                Histogram h = (Histogram) next;
                String tag = h.getTag() == null ? "(untagged)" : h.getTag();
                byTag.computeIfAbsent(tag, t -> new Histogram(2)).add(h);
            }
            return true;
        } catch (FileNotFoundException e) {
            err.println("spawnlock: report: cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            err.println("spawnlock: report: " + file + " is unreadable after interval " + intervals + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); reporting what was read");
        }
        return false;
    }

    private void print(Map<String, Histogram> byTag) {
        String format = "%-" + Math.max(12, byTag.keySet().stream().mapToInt(String::length).max().orElse(0))
                + "s %10s %9s %9s %9s %9s %9s %9s %9s%n";
        out.printf(Locale.ROOT, format, "tag", "count", "min", "p50", "p90", "p99", "p99.9", "max", "mean");
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            Histogram h = e.getValue();
            boolean count = Tags.isCount(e.getKey());
            out.printf(Locale.ROOT, format, e.getKey(), h.getTotalCount(),
                    Units.of(h.getMinValue(), count), Units.of(h.getValueAtPercentile(50), count),
                    Units.of(h.getValueAtPercentile(90), count), Units.of(h.getValueAtPercentile(99), count),
                    Units.of(h.getValueAtPercentile(99.9), count), Units.of(h.getMaxValue(), count),
                    Units.of(h.getMean(), count));
        }
    }
}
