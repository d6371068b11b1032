package io.spawnlock.cli;

import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.core.Version;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar spawnlock-agent.jar <command> ...}: one entry, one line per error, and an exit code that
 * tells the kinds of failure apart (docs/CLI.md).
 */
public final class Cli {
    /** The command did what it was asked. */
    static final int OK = 0;
    /**
     * A target or an output the command could not use: a process that is not a JVM of this user, has no agent
     * or does not answer; an output that cannot be written. One line says which.
     */
    static final int FAILED = 1;
    /** The command line itself is wrong: an unknown command or option, a missing or bad argument. */
    static final int USAGE = 2;
    /**
     * A log that cannot be read whole (one line names the file and the line; what came before it is still
     * used). The same code as a usage error: the CLI's contract gives both 2.
     */
    static final int BAD_INPUT = USAGE;
    /** A fault of spawnlock's own: one line, and {@code --debug} prints its stack trace. */
    static final int INTERNAL = 3;

    private static final String HELP = String.join("\n",
            "usage: java -jar spawnlock-agent.jar <command> [arguments]",
            "",
            "commands:",
            "  report <log>...   per tag: count, min, p50, p90, p99, p99.9, max, mean (report --help: formats, filters)",
            "  compare <base> <new>  the same percentiles side by side, with the ratio new/base",
            "  merge <log>... -o <out>  one log from many hosts or runs; counts add exactly",
            "  doctor [<pid>]    what makes spawns slow here (or in that process), with advice",
            "  attach <pid> [OPTIONS]  load the agent into a running JVM of this user",
            "  dump <pid>        ask the agent running in that JVM for a dump now; prints the file",
            "  version           print the agent's version",
            "",
            "--debug (anywhere) prints the stack trace of an internal error.",
            "Exit codes: 0 done, 1 a target or output it could not use, 2 a usage error or a log it could not read whole,",
            "3 an internal error.",
            "",
            "As an agent: java -javaagent:spawnlock-agent.jar[=key=value,...] ...  (options: docs/AGENT.md in the repository)");

    private Cli() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> words = new ArrayList<>(Arrays.asList(args));
        boolean debug = words.remove("--debug");
        try {
            return dispatch(words.toArray(new String[0]), out, err);
        } catch (RuntimeException | Error e) {
            err.println("spawnlock: internal error: " + AgentWarnings.describe(e)
                    + (debug ? "" : " (run again with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return INTERNAL;
        }
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) {
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
                if (rest.length > 0) {
                    err.println("spawnlock: " + args[0] + " takes no arguments (got '" + rest[0] + "')");
                    return USAGE;
                }
                out.println("spawnlock " + Version.get());
                return OK;
            case "report":
                return new ReportCommand(out, err).run(rest);
            case "compare":
                return new CompareCommand(out, err).run(rest);
            case "merge":
                return new MergeCommand(out, err).run(rest);
            case "doctor":
                return new DoctorCommand(out, err).run(rest);
            case "attach":
                return new AttachCommand(out, err).attach(rest);
            case "dump":
                return new AttachCommand(out, err).dump(rest);
            default:
                err.println("spawnlock: unknown command '" + command + "' (try --help)");
                return USAGE;
        }
    }

    /** The value after an option; throws IllegalArgumentException naming the option when there is none. */
    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
