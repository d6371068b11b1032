package io.spawnlock.cli;

import io.spawnlock.config.Durations;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The command line that {@code report} and {@code compare} share: the format, the output, whether per
 * interval, and the query (the logs, the tags, the time range).
 */
final class Request {
    String format = "text";
    String output;
    boolean intervals;
    final LogQuery query = new LogQuery();

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
                    r.format = Cli.value(args, ++i, a);
                    if (!r.format.matches("text|csv|hgrm|html")) {
                        throw new IllegalArgumentException("--format " + r.format + " is not one of text, csv, hgrm, html");
                    }
                    break;
                case "-o":
                    if (r.output != null) {
                        throw new IllegalArgumentException("-o given twice: one output at a time");
                    }
                    r.output = Cli.value(args, ++i, a);
                    break;
                case "--tag":
                    r.query.tags.add(LogQuery.glob(Cli.value(args, ++i, a)));
                    break;
                case "--tag-regex":
                    String regex = Cli.value(args, ++i, a);
                    try {
                        r.query.tags.add(Pattern.compile(regex));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("--tag-regex " + regex + " is not a regular expression ("
                                + e.getDescription() + ")");
                    }
                    break;
                case "--from":
                    r.query.fromMillis = millis(Cli.value(args, ++i, a), a);
                    break;
                case "--to":
                    r.query.toMillis = millis(Cli.value(args, ++i, a), a);
                    break;
                case "--intervals":
                    r.intervals = true;
                    break;
                default:
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                    }
                    r.query.files.add(a);
            }
        }
        if (r.query.files.isEmpty()) {
            throw new IllegalArgumentException("no log given");
        }
        if (r.intervals && (r.format.equals("hgrm") || r.format.equals("html"))) {
            throw new IllegalArgumentException("--intervals prints text or csv (the html report has the time series)");
        }
        if (r.query.fromMillis >= r.query.toMillis) {
            throw new IllegalArgumentException("--from must come before --to");
        }
        return r;
    }

    private static long millis(String text, String option) {
        try {
            return Durations.parseNanos(text) / 1_000_000;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }
}
