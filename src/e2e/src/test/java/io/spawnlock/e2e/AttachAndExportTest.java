package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.MBeanApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Production users who cannot restart: {@code attach} and {@code dump <pid>} over the Attach API, the MBean,
 * the OpenMetrics textfile; and in every mode, no network socket of the agent's.
 */
class AttachAndExportTest {
    /** What JDK 21+ prints once for the attach itself; nothing else may reach the application's stderr. */
    private static final String DYNAMIC_AGENT_WARNING = "WARNING: A Java agent has been loaded dynamically";

    @TempDir
    Path dir;

    private static ForkedJvm.Result cli(Jdks.Jdk jdk, String... args) {
        List<String> command = new ArrayList<>(List.of("-jar", ForkedJvm.AGENT_JAR.toString()));
        command.addAll(List.of(args));
        return ForkedJvm.on(jdk).args(command.toArray(new String[0])).run();
    }

    /**
     * attach, dump and doctor on a process that is not a JVM: the Attach API's first step is a SIGQUIT, which
     * would kill it. Refused in one line (exit 1) before anything is sent; the process lives on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aProcessThatIsNotAJvmIsLeftAlone(Jdks.Jdk jdk) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            String pid = Long.toString(sleeper.pid());
            for (String[] command : new String[][] {{"attach", pid}, {"dump", pid}, {"doctor", pid}}) {
                long t0 = System.nanoTime();
                ForkedJvm.Result r = cli(jdk, command);
                assertEquals(1, r.exitCode, r.toString());
                assertEquals(1, r.stderr.split("\n").length, r.stderr);
                assertTrue(r.stderr.startsWith("spawnlock: " + command[0] + ": process " + pid
                        + " is not a Java virtual machine (no libjvm.so in its memory map)"), r.stderr);
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "refused at once, not after a wait");
                Thread.sleep(200);
                assertTrue(sleeper.isAlive(), command[0] + " killed the process");
            }
            ForkedJvm.Result noSuch = cli(jdk, "dump", "999999999");
            assertEquals(1, noSuch.exitCode, noSuch.toString());
            assertTrue(noSuch.stderr.startsWith("spawnlock: dump: no process 999999999"), noSuch.stderr);
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void attachToARunningAppThenDumpIt(Jdks.Jdk jdk) throws Exception {
        Process app = ForkedJvm.on(jdk).in(dir).sampleApp("--threads", "2", "--duration", "8s", "--lock", "synchronized").start();
        ForkedJvm.StreamCollector out = new ForkedJvm.StreamCollector(app.getInputStream());
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(app.getErrorStream());
        try {
            Thread.sleep(1000); // spawning without the agent
            String pid = Long.toString(app.pid());
            Path log = dir.resolve("attached.hlog");
            ForkedJvm.Result attach = cli(jdk, "attach", pid, "log=" + log + ",interval=500ms");
            assertEquals(0, attach.exitCode, attach.toString());
            assertTrue(attach.stdout.startsWith("spawnlock: attached to process " + pid + " (version="), attach.stdout);

            ForkedJvm.Result again = cli(jdk, "attach", pid);
            assertEquals(0, again.exitCode, again.toString());
            assertTrue(again.stdout.contains("the agent already runs in process " + pid), again.stdout);
            assertTrue(again.stdout.contains("nothing changed"), again.stdout);

            waitFor(() -> Files.exists(log) && Files.readString(log).contains("#[spawnlock spawn lock "),
                    "discovery finds the lock after the attach");
            ForkedJvm.Result dump = cli(jdk, "dump", pid);
            assertEquals(0, dump.exitCode, dump.toString());
            Path file = Paths.get(dump.stdout.trim());
            String text = Files.readString(file);
            assertTrue(text.startsWith("spawnlock dump\n"), text);
            assertTrue(text.contains("trigger: SIGUSR1"), text);
            assertTrue(text.contains("io.spawnlock.sample.Spawner.monitor"), text);
            assertEquals(0, app.waitFor(), err.text());

            Map<String, Long> counts = HistogramLogs.counts(log);
            SampleApp summary = SampleApp.summary(new ForkedJvm.Result(List.of(), 0, out.text(), err.text()));
            assertTrue(counts.get("spawn") > 0 && counts.get("spawn") < summary.spawns,
                    "the spawns after the attach, not those before: " + counts + " of " + summary.spawns);
            assertTrue(counts.getOrDefault("lock.wait.io.spawnlock.sample.Spawner.monitor", 0L) > 0, counts.toString());
            String appErr = err.text().lines().filter(l -> !l.startsWith("WARNING: ")).reduce("", (a, b) -> a + b + "\n");
            assertEquals("", appErr, "only the JDK's own warning reaches the application's stderr");
            assertEquals(jdk.major >= 21, err.text().contains(DYNAMIC_AGENT_WARNING), err.text());
            assertEquals(jdk.major >= 21 ? 1 : 0, err.text().split(DYNAMIC_AGENT_WARNING, -1).length - 1,
                    "dump <pid> loads nothing, so the warning comes once, for the attach\n" + err.text());
        } finally {
            app.destroyForcibly();
            app.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void dumpOfAJvmWithoutTheAgentIsOneLine(Jdks.Jdk jdk) throws Exception {
        Process app = ForkedJvm.on(jdk).sampleApp("--threads", "1", "--duration", "20s", "--lock", "none").start();
        new ForkedJvm.StreamCollector(app.getInputStream());
        try {
            Thread.sleep(500);
            ForkedJvm.Result dump = cli(jdk, "dump", Long.toString(app.pid()));
            assertEquals(1, dump.exitCode, dump.toString());
            assertEquals("spawnlock: dump: the agent does not run in process " + app.pid() + " (start it with -javaagent,"
                    + " or: java -jar spawnlock-agent.jar attach " + app.pid() + ")\n", dump.stderr);
            ForkedJvm.Result bad = cli(jdk, "attach", Long.toString(app.pid()), "interval=fast");
            assertEquals(2, bad.exitCode, bad.toString());
            assertTrue(bad.stderr.startsWith("spawnlock: attach: option interval"), bad.stderr);
        } finally {
            app.destroyForcibly();
            app.waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theMBeanAndTheTextfileCountWhatTheLogCounts(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("m.hlog");
        Path prom = dir.resolve("spawnlock.prom");
        ForkedJvm.Result r = ForkedJvm.on(jdk).in(dir).agent("log=" + log + ",interval=200ms,metrics=" + prom)
                .fixture(MBeanApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        Map<String, Long> logCounts = HistogramLogs.counts(log);
        Map<String, Long> mbean = new HashMap<>();
        for (String line : r.stdout.split("\n")) {
            if (line.startsWith("mbean ")) {
                String[] parts = line.split(" ");
                mbean.put(parts[1], Long.parseLong(parts[2]));
            }
        }
        for (String tag : logCounts.keySet()) {
            if (tag.startsWith("spawn") || tag.startsWith("lock.")) { // os.* gain a sample every interval after
                assertEquals(logCounts.get(tag), mbean.get(tag), tag + "\n" + r.stdout);
            }
        }
        assertEquals(20L, logCounts.get("spawn"));
        assertTrue(r.stdout.contains("\nspawns 20\n"), r.stdout);
        String dumpAnswer = r.stdout.lines().filter(l -> l.startsWith("dump ")).findFirst().orElse("");
        assertTrue(dumpAnswer.startsWith("dump written: "), r.stdout);
        assertTrue(Files.exists(Paths.get(dumpAnswer.substring("dump written: ".length()))), dumpAnswer);

        // the textfile, read by Prometheus' own OpenMetrics parser (strict), after the run: the log's counts
        Map<String, Long> textfile = openMetricsCounts(prom);
        assertEquals(logCounts, textfile, "every tag's _count in the textfile is the log's count");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theAgentNeverMakesTheMBeanServerItself(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + dir.resolve("n.hlog") + ",interval=200ms")
                .fixture(io.spawnlock.e2e.fixtures.NoJmxApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("mbean servers 0\n", r.stdout, "an application server could not install its own builder after us");
        assertEquals("", r.stderr);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void noNetworkSocketInAnyMode(Jdks.Jdk jdk) throws Exception {
        Path prom = dir.resolve("p.prom");
        Process withEverything = ForkedJvm.on(jdk).in(dir)
                .agent("log=" + dir.resolve("all.hlog") + ",interval=200ms,metrics=" + prom + ",dumpEvery=1s,dumpOnWait=10ms")
                .sampleApp("--threads", "3", "--duration", "6s", "--lock", "reentrant").start();
        Process attachedTo = ForkedJvm.on(jdk).in(dir).sampleApp("--threads", "2", "--duration", "6s", "--lock", "synchronized").start();
        new ForkedJvm.StreamCollector(withEverything.getInputStream());
        new ForkedJvm.StreamCollector(attachedTo.getInputStream());
        new ForkedJvm.StreamCollector(withEverything.getErrorStream());
        new ForkedJvm.StreamCollector(attachedTo.getErrorStream());
        try {
            Thread.sleep(1000);
            String pid = Long.toString(attachedTo.pid());
            assertEquals(0, cli(jdk, "attach", pid, "log=" + dir.resolve("att.hlog") + ",metrics=" + dir.resolve("a.prom")).exitCode);
            waitFor(() -> Files.exists(prom), "the textfile is written");
            Thread.sleep(1500);
            assertEquals(0, cli(jdk, "dump", pid).exitCode);
            for (Process p : List.of(withEverything, attachedTo)) {
                assertTrue(p.isAlive(), "still running while its sockets are read");
                assertEquals(Set.of(), internetSockets(p.pid()), "the agent opened no TCP or UDP socket in " + p.pid());
            }
        } finally {
            withEverything.destroyForcibly();
            attachedTo.destroyForcibly();
            withEverything.waitFor();
            attachedTo.waitFor();
        }
    }

    /** The inodes of a process's sockets that appear in its /proc/net/{tcp,tcp6,udp,udp6}: any state. */
    private static Set<String> internetSockets(long pid) throws Exception {
        Set<String> socketInodes = new HashSet<>();
        try (var fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        socketInodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
        }
        Set<String> internet = new HashSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path file = Paths.get("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && socketInodes.contains(f[9])) {
                    internet.add(table + ":" + f[1] + " inode " + f[9]);
                }
            }
        }
        return internet;
    }

    /** _count per tag label, as Prometheus' OpenMetrics parser reads the file (Debian's python3-prometheus-client). */
    private static Map<String, Long> openMetricsCounts(Path file) throws Exception {
        String install = "apt-get install python3-prometheus-client";
        Process probe;
        try {
            probe = new ProcessBuilder("/usr/bin/python3", "-c", "import prometheus_client.openmetrics.parser")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("python3 and Prometheus' OpenMetrics parser are needed to check the textfile: "
                    + install + " (" + e.getMessage() + ")");
        }
        probe.getInputStream().readAllBytes();
        if (probe.waitFor() != 0) {
            throw new AssertionError("Prometheus' OpenMetrics parser is needed to check the textfile: "
                    + install + " (python3 -c 'import prometheus_client' fails here)");
        }
        String script = String.join("\n",
                "import sys",
                "from prometheus_client.openmetrics.parser import text_string_to_metric_families",
                "for family in text_string_to_metric_families(open(sys.argv[1]).read()):",
                "    for s in family.samples:",
                "        if s.name.endswith('_count'):",
                "            print(s.labels['tag'], int(s.value))");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString()).start();
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the OpenMetrics parser rejected the file:\n" + err.text() + "\n" + Files.readString(file));
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ");
                counts.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return counts;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(50);
        }
    }
}
