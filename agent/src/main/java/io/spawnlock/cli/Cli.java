package io.spawnlock.cli;

import io.spawnlock.core.Version;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code java -jar spawnlock-agent.jar <command> ...}: one entry, one line per error, exit 0 or 2. */
public final class Cli {
    static final int OK = 0;
    static final int USAGE = 2;

    private static final String HELP = String.join("\n",
            "usage: java -jar spawnlock-agent.jar <command> [arguments]",
            "",
            "commands:",
            "  report <log>...   per tag: count, min, p50, p90, p99, p99.9, max, mean",
            "  version           print the agent's version",
            "",
            "As an agent: java -javaagent:spawnlock-agent.jar[=key=value,...] ...  (see the README for options)");

    private Cli() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(HELP);
            return USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "-h":
            case "--help":
            case "help":
                out.println(HELP);
                return OK;
            case "version":
            case "--version":
                out.println("spawnlock " + Version.get());
                return OK;
            case "report":
                return new ReportCommand(out, err).run(rest);
            default:
                err.println("spawnlock: unknown command '" + command + "' (try --help)");
                return USAGE;
        }
    }
}
