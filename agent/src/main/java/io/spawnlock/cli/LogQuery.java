package io.spawnlock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Which intervals of which logs a command reads (the logs, the tags, the time range after each log's
 * start) and the scan that streams them, in order, to a {@link Sink}: a renderer or a total. Every command
 * that reads logs reads them here; what it does with the intervals is its own.
 */
final class LogQuery {
    final List<String> files = new ArrayList<>();
    final List<Pattern> tags = new ArrayList<>();
    long fromMillis = Long.MIN_VALUE; // without --from every interval counts, one that starts before the log too
    long toMillis = Long.MAX_VALUE;

    /** Takes the intervals of the logs, in the order they are read. */
    interface Sink {
        /**
         * @param offsetMillis the interval's start after its log's start
         * @throws LogReader.BadLog when the interval cannot be taken (its counts overflow the total)
         */
        void interval(LogReader.Interval interval, long offsetMillis) throws LogReader.BadLog;
    }

    /** A sink that adds every interval to its tag's total. */
    static Sink totalsInto(Map<String, Histogram> byTag) {
        return (i, offset) -> i.addTo(byTag.computeIfAbsent(i.tag, t -> new Histogram(2)));
    }

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

    /** Feeds every log's intervals that pass the filters to the sink; false if a log was bad somewhere. */
    boolean scan(Sink sink, String command, PrintStream err) {
        boolean ok = true;
        for (String file : files) {
            ok &= scan(Paths.get(file), sink, command, err);
        }
        return ok;
    }

    /** Feeds one log's intervals that pass the filters to the sink; false if the log was bad somewhere. */
    boolean scan(Path file, Sink sink, String command, PrintStream err) {
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
            while ((i = opened.next(tags.isEmpty() ? null : this::wants)) != null) {
                progress.at(opened.bytesRead());
                long offset = i.startMillis - (long) opened.startMillis();
                if (offset < fromMillis || offset >= toMillis) {
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

    /** A glob with * and ? as a pattern; everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("(?<=[*?])|(?=[*?])")) {
            regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
