package io.spawnlock.cli;

import io.spawnlock.config.AgentOptions;
import io.spawnlock.doctor.Doctor;
import io.spawnlock.doctor.Herds;
import io.spawnlock.doctor.SpawnBreakdown;
import io.spawnlock.os.Facts;
import io.spawnlock.os.JvmProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.HdrHistogram.Histogram;

/**
 * {@code doctor [<pid>]}: the machine's and the process's facts with advice, and, for a JVM running our
 * agent, what the agent recorded there: where its spawns' time goes and why, read from its log.
 */
final class DoctorCommand {
    static final String USAGE = "usage: java -jar spawnlock-agent.jar doctor [<pid>]";
    private static final String AGENT_MAIN = "io.spawnlock.agent.Launcher";
    private static final String CPU_NOTE = "#[spawnlock spawn CPU from ";

    private final PrintStream out;
    private final PrintStream err;

    DoctorCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(USAGE + "  (what makes spawns slow on this machine, or in that process, with advice; for a"
                    + " JVM running the agent with a log, also what it recorded)");
            return Cli.OK;
        }
        if (args.length > 1) {
            err.println("spawnlock: doctor: one process id at most (" + USAGE + ")");
            return Cli.USAGE;
        }
        String pid = args.length == 0 ? null : args[0];
        if (pid != null && !pid.matches("[0-9]+")) {
            err.println("spawnlock: doctor: '" + pid + "' is not a process id (" + USAGE + ")");
            return Cli.USAGE;
        }
        String refusal = pid == null ? null : JvmProcess.refusal(pid);
        if (refusal != null) {
            err.println("spawnlock: doctor: " + refusal + " (doctor reads a JVM of this user)");
            return Cli.FAILED;
        }
        List<String> warnings = new ArrayList<>();
        Doctor.run(pid, out, warnings);
        SpawnBreakdown recorded = pid == null ? null : recorded(pid);
        out.println();
        out.println("Verdict: " + verdict(recorded, warnings));
        return Cli.OK;
    }

    /** One verdict: what the agent recorded first (it is what happened), else the settings. */
    static String verdict(SpawnBreakdown recorded, List<String> warnings) {
        String settings = warnings.isEmpty() ? null : warnings.size() == 1 ? "1 warning in the settings above"
                : warnings.size() + " warnings in the settings above";
        if (recorded != null && recorded.cause() != SpawnBreakdown.Cause.NONE) {
            return recorded.verdict() + ", as the agent recorded it" + (settings == null ? "" : "; and " + settings);
        }
        if (settings != null) {
            return settings + (recorded == null ? "" : "; what the agent recorded is not slow");
        }
        return recorded == null ? "nothing in the settings slows spawns" : "nothing slows spawns, in the settings or in what the agent recorded";
    }

    /** What the agent recorded in the process, printed; its breakdown, or null when there is none. */
    private SpawnBreakdown recorded(String pid) {
        out.println();
        StringBuilder why = new StringBuilder();
        Path log = agentLog(pid, why);
        if (log == null) {
            out.println("Recorded: nothing to read (" + why + ")");
            return null;
        }
        Map<String, Histogram> byTag = new LinkedHashMap<>();
        new LogQuery().scan(log, LogQuery.totalsInto(byTag), "doctor", err);
        out.println("Recorded by the agent in process " + pid + " (" + log + "):");
        String source = cpuSource(log);
        if (source != null) {
            out.println("  spawn CPU from " + source);
        }
        SpawnBreakdown breakdown = SpawnBreakdown.of(byTag);
        if (breakdown == null) {
            out.println("  no spawn with its CPU measured yet (the log is written every interval)");
        } else {
            breakdown.lines().forEach(out::println);
        }
        Herds.lines(byTag).forEach(out::println);
        return breakdown;
    }

    /** The log the spawnlock agent on the process's command line writes, or null with the reason in {@code why}. */
    static Path agentLog(String pid, StringBuilder why) {
        Path proc = Paths.get("/proc", pid);
        Path cwd;
        try {
            cwd = Files.readSymbolicLink(proc.resolve("cwd"));
        } catch (IOException e) {
            why.append("its working directory is not readable by this user");
            return null;
        }
        List<String> cmdline = Facts.cmdline(proc);
        for (String arg : cmdline) {
            if (!arg.startsWith("-javaagent:")) {
                continue;
            }
            String spec = arg.substring("-javaagent:".length());
            int eq = spec.indexOf('=');
            Path jar = cwd.resolve(eq < 0 ? spec : spec.substring(0, eq));
            if (!isOurAgent(jar)) {
                continue;
            }
            AgentOptions options;
            try {
                options = AgentOptions.parse(eq < 0 ? null : spec.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                why.append("its agent options are bad: ").append(e.getMessage());
                return null;
            }
            if (!options.logEnabled()) {
                why.append("the agent runs with log=off");
                return null;
            }
            Path log = newest(cwd.resolve(options.log().replace("%p", pid)));
            if (log == null) {
                why.append("its log ").append(options.log()).append(" is not there yet");
            }
            return log;
        }
        why.append("no spawnlock agent on its command line; an attached agent's log is not found this way");
        return null;
    }

    private static boolean isOurAgent(Path jar) {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest() != null && AGENT_MAIN.equals(j.getManifest().getMainAttributes().getValue("Premain-Class"));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The path itself, or with {@code %t} in its name, the newest file that matches. */
    private static Path newest(Path pattern) {
        String name = pattern.getFileName().toString();
        if (!name.contains("%t")) {
            return Files.isRegularFile(pattern) ? pattern : null;
        }
        Path newest = null;
        FileTime newestTime = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pattern.getParent(), name.replace("%t", "*"))) {
            for (Path f : files) {
                FileTime t = Files.getLastModifiedTime(f);
                if (newestTime == null || t.compareTo(newestTime) > 0) {
                    newest = f;
                    newestTime = t;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return newest;
    }

    /** What the agent noted about its per-spawn CPU source and precision, near the top of the log. */
    private static String cpuSource(Path log) {
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            for (int i = 0; i < 200 && (line = r.readLine()) != null; i++) {
                if (line.startsWith(CPU_NOTE)) {
                    return line.substring(CPU_NOTE.length(), line.length() - 1);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
