package io.spawnlock.cli;

import io.spawnlock.config.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * {@code merge <log>... -o <out>}: one log from many hosts or runs. Intervals are placed on one time grid
 * (by default the first input's interval length) and added tag by tag, so every count of every input is in
 * the output exactly once. Inputs are streamed side by side in time order: memory holds only the grid
 * cells the inputs have not all passed yet.
 */
final class MergeCommand {
    static final String USAGE = "usage: java -jar spawnlock-agent.jar merge [--interval D] <log>... -o <out>";

    private final PrintStream out;
    private final PrintStream err;
    /** Set once an input went bad after opening (said on stderr); the merge goes on with the others. */
    private boolean readFailed;

    MergeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** One input: its reader and the interval it is at. */
    private static final class Input {
        final LogReader reader;
        LogReader.Interval head;

        Input(LogReader reader) {
            this.reader = reader;
        }
    }

    int run(String[] args) {
        List<String> files = new ArrayList<>();
        String output = null;
        long gridMillis = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    out.println(USAGE);
                    return Cli.OK;
                } else if (a.equals("-o")) {
                    if (output != null) {
                        throw new IllegalArgumentException("-o given twice: one output at a time");
                    }
                    output = Cli.value(args, ++i, a);
                } else if (a.equals("--interval")) {
                    gridMillis = Durations.parseNanos(Cli.value(args, ++i, a)) / 1_000_000;
                    if (gridMillis <= 0) {
                        throw new IllegalArgumentException("--interval must be at least 1ms");
                    }
                } else if (a.startsWith("-") && a.length() > 1) {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                } else {
                    files.add(a);
                }
            }
            if (files.isEmpty() || output == null) {
                throw new IllegalArgumentException(files.isEmpty() ? "no log given" : "no output given (-o FILE)");
            }
        } catch (IllegalArgumentException e) {
            err.println("spawnlock: merge: " + e.getMessage() + " (" + USAGE + ")");
            return Cli.USAGE;
        }
        return merge(files, output, gridMillis);
    }

    private int merge(List<String> files, String target, long grid) {
        boolean ok = true;
        List<Input> inputs = new ArrayList<>();
        try {
            for (String f : files) {
                try {
                    Input in = new Input(LogReader.open(Paths.get(f)));
                    inputs.add(in);
                    advance(in);
                } catch (LogReader.BadLog e) {
                    err.println("spawnlock: merge: " + e.getMessage());
                    ok = false;
                }
            }
            long start = Long.MAX_VALUE;
            for (Input in : inputs) {
                if (in.head != null) {
                    start = Math.min(start, in.head.startMillis);
                    if (grid == 0) {
                        grid = Math.max(1, in.head.endMillis - in.head.startMillis);
                    }
                }
            }
            try (OutputFile o = OutputFile.open(target, files)) {
                long intervals = write(o.stream(), inputs, files, start == Long.MAX_VALUE ? System.currentTimeMillis() : start, grid);
                o.commit();
                out.println("merged " + files.size() + " logs into " + target + ": " + intervals + " intervals");
            }
        } catch (IOException e) {
            err.println("spawnlock: merge: cannot write " + target + " (" + e.getMessage() + ")");
            return Cli.FAILED;
        } finally {
            for (Input in : inputs) {
                in.reader.close();
            }
        }
        return ok && !readFailed ? Cli.OK : Cli.BAD_INPUT;
    }

    /** Moves the input to its next interval; an input that went bad ends there. */
    private void advance(Input in) {
        try {
            in.head = in.reader.next();
        } catch (LogReader.BadLog e) {
            fail(in, e);
        }
    }

    /** Ends an input that went bad, said once on stderr; what it gave before stays merged. */
    private void fail(Input in, LogReader.BadLog e) {
        err.println("spawnlock: merge: " + e.getMessage() + "; what came before it is merged");
        in.head = null;
        readFailed = true;
    }

    /** Streams every input onto the grid and writes the cells in time order; returns intervals written. */
    private long write(PrintStream ps, List<Input> inputs, List<String> files, long start, long grid) {
        HistogramLogWriter writer = new HistogramLogWriter(ps);
        writer.outputComment("[spawnlock merged " + files.size() + " logs: " + String.join(" ", files) + "]");
        writer.outputLogFormatVersion();
        writer.outputStartTime(start);
        writer.setBaseTime(start);
        writer.outputBaseTime(start);
        writer.outputLegend();
        TreeMap<Long, Map<String, Histogram>> cells = new TreeMap<>();
        long written = 0;
        while (true) {
            Input next = null;
            for (Input in : inputs) {
                if (in.head != null && (next == null || in.head.startMillis < next.head.startMillis)) {
                    next = in;
                }
            }
            long passed = next == null ? Long.MAX_VALUE : Math.floorDiv(next.head.startMillis - start, grid);
            // every input is at or after cell `passed` now: the cells before it are complete
            for (Iterator<Map.Entry<Long, Map<String, Histogram>>> it = cells.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Map<String, Histogram>> cell = it.next();
                if (cell.getKey() >= passed) {
                    break;
                }
                for (Histogram h : cell.getValue().values()) {
                    h.setStartTimeStamp(start + cell.getKey() * grid);
                    h.setEndTimeStamp(start + (cell.getKey() + 1) * grid);
                    writer.outputIntervalHistogram(h);
                    written++;
                }
                it.remove();
            }
            if (next == null) {
                return written;
            }
            LogReader.Interval i = next.head;
            long cell = Math.floorDiv(i.startMillis - start, grid);
            Map<String, Histogram> tags = cells.computeIfAbsent(cell, k -> new LinkedHashMap<>());
            Histogram sum = tags.computeIfAbsent(i.tag, t -> {
                Histogram h = new Histogram(2);
                h.setTag(LogReader.UNTAGGED.equals(t) ? null : t);
                return h;
            });
            try {
                i.addTo(sum);
                advance(next);
            } catch (LogReader.BadLog e) {
                fail(next, e);
            }
        }
    }
}
