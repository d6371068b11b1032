package io.spawnlock.cli;

import io.spawnlock.config.AgentOptions;
import io.spawnlock.config.OptionException;
import java.io.PrintStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

/**
 * {@code attach <pid> [OPTIONS]}: loads the agent into a running JVM. {@code dump <pid>}: asks the agent
 * running there for a dump now. Both go over the Attach API (a local socket the JVM opens for its own user;
 * the agent opens no listener of its own).
 */
final class AttachCommand {
    static final String ATTACH_USAGE = "usage: java -jar spawnlock-agent.jar attach <pid> [OPTIONS]";
    static final String DUMP_USAGE = "usage: java -jar spawnlock-agent.jar dump <pid>";
    private static final String RUNNING = "spawnlock.agent";
    private static final String REPLY = "spawnlock.reply";
    private static final String DUMPS = "spawnlock.dumps";
    private static final String SIGNAL = "spawnlock.signal";
    private static final long WAIT_SECONDS = 10;

    private final PrintStream out;
    private final PrintStream err;

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int attach(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(ATTACH_USAGE + "\n\nLoads the agent into the running JVM <pid> (same user). OPTIONS are the"
                    + " -javaagent options (log=..., interval=...);\nrelative paths are relative to that JVM's working"
                    + " directory. JDK 21+ prints a warning on the JVM's stderr about a dynamically\nloaded agent"
                    + " unless it runs with -XX:+EnableDynamicAgentLoading. Attaching again changes nothing.");
            return Cli.OK;
        }
        if (args.length < 1 || args.length > 2 || !args[0].matches("[0-9]+")) {
            err.println("spawnlock: attach: give a process id and at most one OPTIONS argument (" + ATTACH_USAGE + ")");
            return Cli.USAGE;
        }
        String options = args.length == 2 ? args[1] : "";
        try {
            AgentOptions.parse(options); // a bad option is an error here, not a line in the target's stderr
        } catch (OptionException e) {
            err.println("spawnlock: attach: " + e.getMessage());
            return Cli.USAGE;
        }
        String pid = args[0];
        try (AttachApi vm = AttachApi.attach(pid)) {
            String running = vm.systemProperties().getProperty(RUNNING);
            if (running != null) {
                out.println("spawnlock: the agent already runs in process " + pid + " (" + running + "); nothing changed");
                return Cli.OK;
            }
            vm.loadAgent(agentJar(), options);
            running = vm.systemProperties().getProperty(RUNNING);
            if (running == null) {
                err.println("spawnlock: attach: the agent did not start in process " + pid + " (see its stderr)");
                return Cli.FAILED;
            }
            out.println("spawnlock: attached to process " + pid + " (" + running + ")");
            return Cli.OK;
        } catch (AttachApi.Failure e) {
            err.println("spawnlock: attach: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    int dump(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(DUMP_USAGE + "\n\nAsks the agent running in JVM <pid> (same user) for a dump now, and prints"
                    + " the file it wrote.\nIt sends the agent's dump signal (SIGUSR1 by default) and waits for the"
                    + " file; with signal=off it loads\nthe agent jar again with a command, which JDK 21+ reports on"
                    + " the JVM's stderr unless it runs with -XX:+EnableDynamicAgentLoading.");
            return Cli.OK;
        }
        if (args.length != 1 || !args[0].matches("[0-9]+")) {
            err.println("spawnlock: dump: give one process id (" + DUMP_USAGE + ")");
            return Cli.USAGE;
        }
        String pid = args[0];
        try (AttachApi vm = AttachApi.attach(pid)) {
            Properties props = vm.systemProperties();
            if (props.getProperty(RUNNING) == null) {
                err.println("spawnlock: dump: the agent does not run in process " + pid
                        + " (start it with -javaagent, or: java -jar spawnlock-agent.jar attach " + pid + ")");
                return Cli.FAILED;
            }
            String signal = props.getProperty(SIGNAL);
            String dumps = props.getProperty(DUMPS);
            String answer = signal != null && dumps != null && !signal.equals("OFF")
                    ? bySignal(pid, signal, Paths.get(dumps)) : byCommand(vm);
            if (!answer.startsWith("written: ")) {
                err.println("spawnlock: dump: " + answer);
                return Cli.FAILED;
            }
            out.println(answer.substring("written: ".length()));
            return Cli.OK;
        } catch (AttachApi.Failure e) {
            err.println("spawnlock: dump: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    /**
     * The agent's own trigger: its signal (its handler only sets a request; the agent thread writes), then
     * the new file in its dump directory. Loads nothing into the JVM, so JDK 21+ prints nothing there.
     */
    private static String bySignal(String pid, String signal, Path dir) throws AttachApi.Failure {
        Set<Path> before = dumpFiles(dir, pid);
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, pid).redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (kill.waitFor() != 0) {
                return "not written: kill -s " + signal + " " + pid + " failed (" + said + ")";
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
                for (Path f : dumpFiles(dir, pid)) {
                    if (!before.contains(f)) {
                        return "written: " + f; // renamed into place whole, so complete once seen
                    }
                }
            }
        } catch (IOException e) {
            return "not written: cannot send SIG" + signal + " (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not written: interrupted";
        }
        return "not written within " + WAIT_SECONDS + " s: the agent writes at most one dump a second and maxDumps"
                + " in all (its log says which)";
    }

    private static Set<Path> dumpFiles(Path dir, String pid) {
        Set<Path> files = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "spawnlock-dump-" + pid + "-*.txt")) {
            for (Path f : s) {
                files.add(f);
            }
        } catch (IOException e) {
            // no directory yet: no dumps yet
        }
        return files;
    }

    /** Loads the agent jar again with a command; the agent answers in a system property. */
    private static String byCommand(AttachApi vm) throws AttachApi.Failure {
        String nonce = UUID.randomUUID().toString();
        vm.loadAgent(agentJar(), "@dump:" + nonce);
        String reply = vm.systemProperties().getProperty(REPLY, "");
        return reply.startsWith(nonce + " ") ? reply.substring(nonce.length() + 1) : "no answer from the agent";
    }

    /** This jar, as the target JVM must load it: an absolute path. */
    private static String agentJar() throws AttachApi.Failure {
        try {
            Path jar = Paths.get(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.toAbsolutePath().toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new AttachApi.Failure("cannot tell where the agent jar is (" + e + ")");
        }
    }
}
