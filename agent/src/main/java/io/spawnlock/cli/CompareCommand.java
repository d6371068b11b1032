package io.spawnlock.cli;

import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Unit;
import io.spawnlock.recording.Units;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * {@code compare <base> <new>}: the same percentiles of every tag side by side, with the ratio new/base,
 * for A/B runs (FORK against POSIX_SPAWN, before and after a fix). Takes report's filters.
 */
final class CompareCommand {
    static final String USAGE = "usage: java -jar spawnlock-agent.jar compare [--format text|csv] [--tag GLOB]..."
            + " [--tag-regex REGEX] [--from D] [--to D] [-o FILE] <base-log> <new-log>";
    private static final double[] PERCENTILES = {50, 90, 99, 100};
    private static final String[] NAMES = {"p50", "p90", "p99", "max"};

    private final PrintStream out;
    private final PrintStream err;

    CompareCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Request r;
        try {
            r = Request.parse(args);
            if (r != null && (r.query.files.size() != 2 || r.intervals || r.format.equals("hgrm") || r.format.equals("html"))) {
                throw new IllegalArgumentException(r.query.files.size() != 2 ? "needs exactly two logs, base then new"
                        : "takes --format text|csv, --tag, --tag-regex, --from, --to and -o");
            }
        } catch (IllegalArgumentException e) {
            err.println("spawnlock: compare: " + e.getMessage() + " (" + USAGE + ")");
            return Cli.USAGE;
        }
        if (r == null) {
            out.println(USAGE);
            return Cli.OK;
        }
        Map<String, Histogram> base = new LinkedHashMap<>();
        Map<String, Histogram> next = new LinkedHashMap<>();
        boolean ok = r.query.scan(Paths.get(r.query.files.get(0)), LogQuery.totalsInto(base), "compare", err);
        ok &= r.query.scan(Paths.get(r.query.files.get(1)), LogQuery.totalsInto(next), "compare", err);
        Set<String> tags = new LinkedHashSet<>(base.keySet());
        tags.addAll(next.keySet());
        int status = ok ? Cli.OK : Cli.BAD_INPUT;
        if (r.output == null) {
            print(r, tags, base, next, out);
            return status;
        }
        try (OutputFile o = OutputFile.open(r.output, r.query.files)) {
            print(r, tags, base, next, o.stream());
            o.commit();
            return status;
        } catch (IOException e) {
            err.println("spawnlock: compare: cannot write " + r.output + " (" + e.getMessage() + ")");
            return Cli.FAILED;
        }
    }

    private static void print(Request r, Set<String> tags, Map<String, Histogram> base,
                              Map<String, Histogram> next, PrintStream out) {
        if (r.format.equals("csv")) {
            printCsv(tags, base, next, out);
        } else {
            printTable(tags, base, next, out);
        }
    }

    private static void printTable(Set<String> tags, Map<String, Histogram> base, Map<String, Histogram> next, PrintStream out) {
        int width = Math.max(12, tags.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %9s %9s", "tag",
                "count", "count.new"));
        for (String n : NAMES) {
            head.append(String.format(Locale.ROOT, " %9s %9s %7s", n, n + ".new", "ratio"));
        }
        out.println(head);
        for (String tag : tags) {
            Histogram b = base.get(tag);
            Histogram n = next.get(tag);
            Unit unit = Tags.unitOf(tag);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %9s %9s", tag,
                    b == null ? "-" : Long.toString(b.getTotalCount()), n == null ? "-" : Long.toString(n.getTotalCount())));
            for (double p : PERCENTILES) {
                Long bv = b == null ? null : b.getValueAtPercentile(p);
                Long nv = n == null ? null : n.getValueAtPercentile(p);
                row.append(String.format(Locale.ROOT, " %9s %9s %7s", bv == null ? "-" : Units.of(bv, unit),
                        nv == null ? "-" : Units.of(nv, unit), ratio(bv, nv)));
            }
            out.println(row);
        }
    }

    private static void printCsv(Set<String> tags, Map<String, Histogram> base, Map<String, Histogram> next, PrintStream out) {
        StringBuilder head = new StringBuilder("tag,unit,count_base,count_new");
        for (String n : NAMES) {
            head.append(',').append(n).append("_base,").append(n).append("_new,").append(n).append("_ratio");
        }
        out.println(head);
        for (String tag : tags) {
            Histogram b = base.get(tag);
            Histogram n = next.get(tag);
            StringBuilder row = new StringBuilder(TotalsFormat.field(tag)).append(',')
                    .append(Tags.unitOf(tag).raw).append(',')
                    .append(b == null ? "" : Long.toString(b.getTotalCount())).append(',')
                    .append(n == null ? "" : Long.toString(n.getTotalCount()));
            for (double p : PERCENTILES) {
                Long bv = b == null ? null : b.getValueAtPercentile(p);
                Long nv = n == null ? null : n.getValueAtPercentile(p);
                String ratio = ratio(bv, nv);
                row.append(',').append(bv == null ? "" : bv.toString()).append(',').append(nv == null ? "" : nv.toString())
                        .append(',').append(ratio.equals("-") ? "" : ratio);
            }
            out.println(row);
        }
    }

    /** new/base with two decimals; "-" when either is missing or base is zero. */
    static String ratio(Long base, Long next) {
        if (base == null || next == null || base == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", next / (double) base);
    }
}
