package io.spawnlock.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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

    int run(String[] args) {
        Request r;
        try {
            r = Request.parse(args);
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
        try (OutputFile o = OutputFile.open(r.output, r.query.files)) {
            int status = report(r, o.stream());
            o.commit();
            return status;
        } catch (IOException e) {
            err.println("spawnlock: report: cannot write " + r.output + " (" + e.getMessage() + ")");
            return Cli.FAILED;
        }
    }

    /** The query's intervals to the format's renderer: per interval as they are read, or their totals after. */
    private int report(Request r, PrintStream target) {
        Map<String, Histogram> byTag = new LinkedHashMap<>();
        HtmlReport html = r.format.equals("html") ? new HtmlReport(r.query.files) : null;
        LogQuery.Sink sink = r.intervals ? new IntervalTable(target, r.format)
                : html != null ? html : LogQuery.totalsInto(byTag);
        int status = r.query.scan(sink, "report", err) ? Cli.OK : Cli.BAD_INPUT;
        if (html != null) {
            html.write(target);
        } else if (!r.intervals) {
            TotalsFormat.of(r.format).render(byTag, target);
        }
        target.flush();
        return status;
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
