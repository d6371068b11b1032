package io.spawnlock.cli;

import io.spawnlock.config.Durations;
import io.spawnlock.doctor.Herds;
import io.spawnlock.doctor.SpawnBreakdown;
import io.spawnlock.recording.TagTable;
import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Unit;
import io.spawnlock.recording.Units;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.HdrHistogram.Histogram;

/**
 * {@code report <log>...}: every tag's distribution over the given logs, in human units, as a table, CSV
 * or HdrHistogram's percentile distribution ({@code .hgrm}); optionally per interval. Logs are streamed:
 * memory is one histogram per tag. What could be read is reported even when a file is unreadable further
 * on; that case exits {@link Cli#BAD_INPUT}.
 */
final class ReportCommand {
    static final String USAGE = "usage: java -jar spawnlock-agent.jar report [--format text|csv|hgrm|html] [-o FILE]"
            + " [--tag GLOB]... [--tag-regex REGEX] [--from DURATION] [--to DURATION] [--intervals] <log>...";
    private static final String HELP = String.join("\n", USAGE, "",
            "  --format F       text (default: an aligned table), csv (values in ns), hgrm (HdrHistogram's",
            "                   percentile distribution per tag, times in ms, for existing plotters), html (one",
            "                   self-contained page with charts, opens offline; use with -o report.html)",
            "  -o FILE          write there instead of stdout",
            "  --tag GLOB       only tags matching (* and ?), e.g. --tag 'lock.wait.*'; repeatable",
            "  --tag-regex RE   only tags matching the regular expression",
            "  --from, --to D   only intervals starting in [from, to) after each log's start, e.g. --from 10m",
            "  --intervals      one row per interval and tag (the time series), instead of the totals");

    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** What the user asked for; filled by {@link #parse}. */
    static final class Request {
        String format = "text";
        String output;
        final List<Pattern> tags = new ArrayList<>();
        long fromMillis = Long.MIN_VALUE; // without --from every interval counts, one that starts before the log too
        long toMillis = Long.MAX_VALUE;
        boolean intervals;
        final List<String> files = new ArrayList<>();

        boolean wants(String tag) {
            if (tags.isEmpty()) {
                return true;
            }
            for (Pattern p : tags) {
                if (p.matcher(tag).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    int run(String[] args) {
        Request r;
        try {
            r = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("spawnlock: report: " + e.getMessage() + " (" + USAGE + ")");
            return Cli.USAGE;
        }
        if (r == null) {
            out.println(HELP);
            return Cli.OK;
        }
        if (r.output == null) {
            try (PrintStream target = new PrintStream(new BufferedOutputStream(new NonClosing(out), 1 << 16), false,
                    StandardCharsets.UTF_8.name())) {
                return report(r, target);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // UTF-8 is always there
            }
        }
        try (OutputFile o = OutputFile.open(r.output, r.files)) {
            int status = report(r, o.stream());
            o.commit();
            return status;
        } catch (IOException e) {
            err.println("spawnlock: report: cannot write " + r.output + " (" + e.getMessage() + ")");
            return Cli.FAILED;
        }
    }

    /** The request, or null for --help; throws IllegalArgumentException with a one-line reason. */
    static Request parse(String[] args) {
        Request r = new Request();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                case "--help":
                    return null;
                case "--format":
                    r.format = value(args, ++i, a);
                    if (!r.format.matches("text|csv|hgrm|html")) {
                        throw new IllegalArgumentException("--format " + r.format + " is not one of text, csv, hgrm, html");
                    }
                    break;
                case "-o":
                    if (r.output != null) {
                        throw new IllegalArgumentException("-o given twice: one output at a time");
                    }
                    r.output = value(args, ++i, a);
                    break;
                case "--tag":
                    r.tags.add(glob(value(args, ++i, a)));
                    break;
                case "--tag-regex":
                    String regex = value(args, ++i, a);
                    try {
                        r.tags.add(Pattern.compile(regex));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("--tag-regex " + regex + " is not a regular expression ("
                                + e.getDescription() + ")");
                    }
                    break;
                case "--from":
                    r.fromMillis = millis(value(args, ++i, a), a);
                    break;
                case "--to":
                    r.toMillis = millis(value(args, ++i, a), a);
                    break;
                case "--intervals":
                    r.intervals = true;
                    break;
                default:
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                    }
                    r.files.add(a);
            }
        }
        if (r.files.isEmpty()) {
            throw new IllegalArgumentException("no log given");
        }
        if (r.intervals && (r.format.equals("hgrm") || r.format.equals("html"))) {
            throw new IllegalArgumentException("--intervals prints text or csv (the html report has the time series)");
        }
        if (r.fromMillis >= r.toMillis) {
            throw new IllegalArgumentException("--from must come before --to");
        }
        return r;
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long millis(String text, String option) {
        try {
            return Durations.parseNanos(text) / 1_000_000;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    /** A glob with * and ? as a pattern; everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("(?<=[*?])|(?=[*?])")) {
            regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private int report(Request r, PrintStream target) {
        Map<String, Histogram> byTag = new LinkedHashMap<>();
        HtmlReport html = r.format.equals("html") ? new HtmlReport(r.files) : null;
        IntervalSink sink = r.intervals ? new IntervalTable(target, r.format) : html != null ? html : totalsInto(byTag);
        int status = Cli.OK;
        for (String file : r.files) {
            if (!read(Paths.get(file), r, sink, "report", err)) {
                status = Cli.BAD_INPUT;
            }
        }
        if (!r.intervals) {
            switch (r.format) {
                case "csv":
                    printCsv(byTag, target);
                    break;
                case "hgrm":
                    printHgrm(byTag, target);
                    break;
                case "html":
                    html.write(target);
                    break;
                default:
                    printTable(byTag, target);
                    printBreakdown(byTag, target);
            }
        }
        target.flush();
        return status;
    }

    /** Takes the intervals of the logs, in the order they are read. */
    interface IntervalSink {
        /**
         * @param offsetMillis the interval's start after its log's start
         * @throws LogReader.BadLog when the interval cannot be taken (its counts overflow the total)
         */
        void interval(LogReader.Interval interval, long offsetMillis) throws LogReader.BadLog;
    }

    /** A sink that adds every interval to its tag's total. */
    static IntervalSink totalsInto(Map<String, Histogram> byTag) {
        return (i, offset) -> i.addTo(byTag.computeIfAbsent(i.tag, t -> new Histogram(2)));
    }

    /** Feeds one log's intervals that pass the filters to the sink; false if the log was bad somewhere. */
    static boolean read(Path file, Request r, IntervalSink sink, String command, PrintStream err) {
        LogReader reader;
        try {
            reader = LogReader.open(file);
        } catch (LogReader.BadLog e) {
            err.println("spawnlock: " + command + ": " + e.getMessage());
            return false;
        }
        Progress progress = Progress.forFile(file, command, err);
        try (LogReader opened = reader) {
            LogReader.Interval i;
            while ((i = opened.next(r.tags.isEmpty() ? null : r::wants)) != null) {
                progress.at(opened.bytesRead());
                long offset = i.startMillis - (long) opened.startMillis();
                if (offset < r.fromMillis || offset >= r.toMillis) {
                    continue;
                }
                sink.interval(i, offset);
            }
            progress.done();
            return true;
        } catch (LogReader.BadLog e) {
            progress.done();
            err.println("spawnlock: " + command + ": " + e.getMessage() + "; what came before it is reported");
            return false;
        }
    }

    private static void printTable(Map<String, Histogram> byTag, PrintStream target) {
        TagTable table = new TagTable(Math.max(12, byTag.keySet().stream().mapToInt(String::length).max().orElse(0)),
                TagTable.Stat.values());
        target.print(table.header());
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            target.print(table.row(e.getKey(), e.getValue()));
        }
    }

    /** Why spawns are slow and which herds there are, when the logs hold the tags that tell it. */
    private static void printBreakdown(Map<String, Histogram> byTag, PrintStream target) {
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

    private static void printCsv(Map<String, Histogram> byTag, PrintStream target) {
        target.println("tag,unit,count,min,p50,p90,p99,p99.9,max,mean");
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            Histogram h = e.getValue();
            target.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%.1f%n", csv(e.getKey()),
                    Tags.unitOf(e.getKey()).raw, h.getTotalCount(), h.getMinValue(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
        }
    }

    /** HdrHistogram's own percentile distribution, one block per tag; times in milliseconds. */
    private static void printHgrm(Map<String, Histogram> byTag, PrintStream target) {
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            Unit unit = Tags.unitOf(e.getKey());
            target.println("# tag: " + e.getKey() + " (" + unit.scaledInWords + ")");
            e.getValue().outputPercentileDistribution(target, 5, unit.scale);
            target.println();
        }
    }

    static String csv(String field) {
        return field.indexOf(',') < 0 && field.indexOf('"') < 0 ? field : '"' + field.replace("\"", "\"\"") + '"';
    }

    /** The per-interval view: one row per interval and tag, printed as the logs are read. */
    static final class IntervalTable implements IntervalSink {
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
                target.printf(Locale.ROOT, "%d,%.3f,%.3f,%s,%s,%d,%d,%d,%d%n", i.startMillis, offsetMillis / 1e3,
                        (i.endMillis - i.startMillis) / 1e3, csv(i.tag), unit.raw, h.totalCount(),
                        h.valueAtPercentile(50), h.valueAtPercentile(99), h.maxValue());
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

    /** Lets a PrintStream over stdout be closed without closing stdout. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
