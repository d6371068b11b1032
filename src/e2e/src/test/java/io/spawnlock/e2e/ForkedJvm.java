package io.spawnlock.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a real JVM, optionally with the real agent jar, and collects what it printed. */
public final class ForkedJvm {
    public static final Path AGENT_JAR = Paths.get(System.getProperty("spawnlock.agentJar", "../../agent/target/spawnlock-agent.jar"))
            .toAbsolutePath().normalize();
    public static final Path SAMPLE_JAR = Paths.get(System.getProperty("spawnlock.sampleJar", "../../sample-app/target/spawnlock-sample.jar"))
            .toAbsolutePath().normalize();
    /** The compiled fixtures of this module: small applications that use the JDK only. */
    public static final Path FIXTURES = Paths.get("target", "test-classes").toAbsolutePath();

    private final Jdks.Jdk jdk;
    private final List<String> command = new ArrayList<>();
    private Path workDir = Paths.get(".").toAbsolutePath();

    private ForkedJvm(Jdks.Jdk jdk) {
        this.jdk = jdk;
        command.add(jdk.java().toString());
    }

    public static ForkedJvm on(Jdks.Jdk jdk) {
        return new ForkedJvm(jdk);
    }

    /** {@code -javaagent:<real agent jar>=<options>}; options may be null. */
    public ForkedJvm agent(String options) {
        command.add("-javaagent:" + AGENT_JAR + (options == null ? "" : "=" + options));
        return this;
    }

    public ForkedJvm args(String... args) {
        command.addAll(Arrays.asList(args));
        return this;
    }

    public ForkedJvm sampleApp(String... args) {
        command.add("-jar");
        command.add(SAMPLE_JAR.toString());
        command.addAll(Arrays.asList(args));
        return this;
    }

    public ForkedJvm fixture(Class<?> main, String... args) {
        command.add("-cp");
        command.add(FIXTURES.toString());
        command.add(main.getName());
        command.addAll(Arrays.asList(args));
        return this;
    }

    public ForkedJvm in(Path dir) {
        workDir = dir;
        return this;
    }

    public Process start() {
        try {
            return new ProcessBuilder(command).directory(workDir.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end (at most two minutes) and returns what happened. */
    public Result run() {
        Process p = start();
        StreamCollector out = new StreamCollector(p.getInputStream());
        StreamCollector err = new StreamCollector(p.getErrorStream());
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Result(command, p.exitValue(), out.text(), err.text());
    }

    /**
     * Kills a forked JVM that is still running after {@code seconds}, first taking its thread dump with
     * {@code jcmd}, so a hang fails the test with the child's stacks instead of stalling the run.
     */
    public static final class Watchdog extends Thread {
        private final Process process;
        private final Jdks.Jdk jdk;
        private final long seconds;
        private volatile String dump = "";

        public Watchdog(Process process, Jdks.Jdk jdk, long seconds) {
            super("forked-jvm-watchdog");
            this.process = process;
            this.jdk = jdk;
            this.seconds = seconds;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            try {
                if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                    return;
                }
                Process jcmd = new ProcessBuilder(jdk.home.resolve("bin/jcmd").toString(),
                        Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
                dump = "\n--- the forked JVM hung for " + seconds + " s; its threads:\n"
                        + new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                jcmd.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                dump = "\n--- the forked JVM hung; no thread dump: " + e;
            } finally {
                process.destroyForcibly();
            }
        }

        /** Empty unless the process hung. */
        public String dump() {
            return dump;
        }
    }

    /** Reads a stream fully on its own thread, so a chatty child never blocks on a full pipe. */
    public static final class StreamCollector extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        public StreamCollector(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (bytes) {
                        bytes.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }

        public String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** Exit code and output of a finished JVM. */
    public static final class Result {
        public final List<String> command;
        public final int exitCode;
        public final String stdout;
        public final String stderr;

        Result(List<String> command, int exitCode, String stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /**
         * Whether anything on stderr came from the agent: a line of its own ({@code spawnlock: ...}), or a
         * stack trace through its threads or classes. Not the word alone: a path into a checkout named
         * {@code spawnlock} (JDK 25's warning about an application's JNA names its jar) is not the agent's.
         */
        public boolean agentPrinted() {
            return stderr.lines().anyMatch(l -> l.startsWith("spawnlock:") || l.contains("io.spawnlock.")
                    || l.contains("\"spawnlock-"));
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}
