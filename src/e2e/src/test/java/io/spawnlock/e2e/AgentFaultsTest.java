package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.FaultApp;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault inside each part of the agent: the application's output and exit stay what they are without
 * the agent, the part says so once and stops, and the other parts go on. Faults are armed through a copy of
 * the agent jar whose manifest allows them; the released jar ignores the property (checked too).
 */
class AgentFaultsTest {
    private static final Path FAULTY_JAR = faultyJar();

    @TempDir
    Path dir;

    static Stream<Arguments> jdksAndParts() {
        return Jdks.all().flatMap(jdk -> Stream.of("spawn-recording", "lock-recording", "log", "dump", "os", "metrics",
                "process-sample", "accept-recording").map(part -> Arguments.of(jdk, part)));
    }

    @ParameterizedTest(name = "{0}, fault in {1}")
    @MethodSource("jdksAndParts")
    void aFaultInOnePartLeavesTheApplicationAndTheOtherPartsAlone(Jdks.Jdk jdk, String part) throws Exception {
        ForkedJvm.Result without = ForkedJvm.on(jdk).fixture(FaultApp.class).run();
        Path log = dir.resolve("f.hlog");
        Path dumps = dir.resolve("dumps");
        Path prom = dir.resolve("f.prom");
        ForkedJvm.Result with = ForkedJvm.on(jdk).args("-D" + "spawnlock.test.faults=" + part,
                "-javaagent:" + FAULTY_JAR + "=log=" + log + ",interval=200ms,dumps=" + dumps + ",metrics=" + prom
                        + ",locks=io.spawnlock.e2e.fixtures.FaultApp.LOCK") // measured from the start, with or without spawn recording
                .fixture(FaultApp.class).run();

        assertEquals(without.exitCode, with.exitCode, with.toString());
        assertEquals(without.stdout, with.stdout, "the agent changed what the application did\n" + with);
        String[] lines = with.stderr.split("\n");
        assertEquals(1, lines.length, "one line, once: " + with.stderr);
        assertTrue(lines[0].startsWith("spawnlock: ") && lines[0].contains("injected fault in " + part), with.stderr);

        Map<String, Long> counts = HistogramLogs.counts(log);
        boolean dumped = Files.isDirectory(dumps) && Files.list(dumps).anyMatch(f -> f.toString().endsWith(".txt"));
        switch (part) {
            case "spawn-recording":
                assertFalse(counts.containsKey("spawn"), counts.toString());
                assertEquals(10L, counts.get("lock.hold.io.spawnlock.e2e.fixtures.FaultApp.LOCK"), "locks go on\n" + counts);
                break;
            case "lock-recording":
                assertEquals(12L, counts.get("spawn") + counts.get("spawn.failed"), "spawns go on\n" + counts);
                assertFalse(counts.containsKey("lock.hold.io.spawnlock.e2e.fixtures.FaultApp.LOCK"), counts.toString());
                break;
            case "log":
                assertTrue(counts.isEmpty(), counts.toString());
                assertTrue(dumped, "dumps go on without the log");
                break;
            case "os":
                assertEquals(12L, counts.get("spawn") + counts.get("spawn.failed"), counts.toString());
                assertFalse(counts.containsKey("spawn.cpu"), counts.toString());
                break;
            case "accept-recording":
                assertEquals(12L, counts.get("spawn") + counts.get("spawn.failed"), "spawns go on\n" + counts);
                assertEquals(0L, acceptedConnections(counts), counts.toString());
                break;
            default:
                assertEquals(12L, counts.get("spawn") + counts.get("spawn.failed"), counts.toString());
                assertEquals(1L, acceptedConnections(counts), "accepts measured\n" + counts);
        }
        assertEquals(!part.equals("dump"), dumped, "the dump is written unless its own part fails");
        assertEquals(!part.equals("metrics"), Files.exists(prom), "the textfile is written unless its own part fails");
    }

    private static long acceptedConnections(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith("accept.selectors."))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * A disk that fills up, as a file size limit (RLIMIT_FSIZE, which HotSpot turns into EFBIG rather than a
     * signal): one warning, the application as without the agent, and a log of whole lines only.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aFullDiskIsOneWarningAndTheLogKeepsWholeLines(Jdks.Jdk jdk) throws Exception {
        ForkedJvm.Result without = ForkedJvm.on(jdk).fixture(FaultApp.class).run();
        Path log = dir.resolve("small.hlog");
        // 3 KiB per file: the header and an interval or two; the command as arguments, so any path works
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 3 && exec \"$@\"", "bash", jdk.java().toString(),
                "-javaagent:" + ForkedJvm.AGENT_JAR + "=log=" + log + ",interval=100ms,signal=off", "-cp",
                ForkedJvm.FIXTURES.toString(), FaultApp.class.getName()).start();
        ForkedJvm.StreamCollector out = new ForkedJvm.StreamCollector(p.getInputStream());
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        assertEquals(0, p.waitFor(), err.text());
        assertEquals(without.stdout, out.text(), "the agent changed what the application did");
        String[] lines = err.text().split("\n");
        assertEquals(2, lines.length, err.text());
        assertTrue(lines[0].startsWith("spawnlock: cannot write " + log + " (File too large)"), err.text());
        assertTrue(Files.size(log) <= 3 * 1024, "the limit held");
        Map<String, Long> counts = HistogramLogs.counts(log); // HdrHistogram's reader: whole lines to the end
        long logged = counts.getOrDefault("spawn", 0L) + counts.getOrDefault("spawn.failed", 0L);
        assertTrue(logged < 11, "not all fit: the limit was hit\n" + counts);
        // what never reached the disk is counted, once, at exit: with the log, the application's 11 spawns
        java.util.regex.Matcher lost = java.util.regex.Pattern.compile("spawnlock: at exit (\\d+) interval histograms"
                + " \\((\\d+) spawns\\) were never written to " + java.util.regex.Pattern.quote(log.toString())
                + ": the disk did not take them").matcher(lines[1]);
        assertTrue(lost.matches(), lines[1]);
        assertEquals(11, logged + Long.parseLong(lost.group(2)), counts + " + " + lines[1]);
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report", log.toString()).run();
        assertEquals(0, report.exitCode, "report reads it without a complaint\n" + report);
    }

    /**
     * A disk full from the first byte (a file size limit of 0, as {@code ulimit -S -f 0}), that takes writes
     * again 1.5 s later ({@code prlimit} raises the limit of the running JVM): the header and every interval
     * waited in memory, so the log holds every spawn of the application's own count, and it reads whole.
     * Before, the log was given up at start ("cannot create the log"), 0 bytes at exit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aDiskFullFromTheStartGetsTheWholeLogOnceSpaceReturns(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("late.hlog");
        Process p = new ProcessBuilder("bash", "-c", "ulimit -S -f 0 && exec \"$@\"", "bash", jdk.java().toString(),
                "-javaagent:" + ForkedJvm.AGENT_JAR + "=log=" + log + ",interval=100ms,signal=off", "-cp",
                ForkedJvm.FIXTURES.toString(), io.spawnlock.e2e.fixtures.TermApp.class.getName()).start();
        ForkedJvm.StreamCollector out = new ForkedJvm.StreamCollector(p.getInputStream());
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        Thread.sleep(1500);
        assertEquals(0L, Files.size(log), "nothing could be written yet");
        assertEquals(0, new ProcessBuilder("prlimit", "--pid", Long.toString(p.pid()), "--fsize=unlimited:")
                .inheritIO().start().waitFor(), "prlimit");
        Thread.sleep(1000);
        p.toHandle().destroy(); // SIGTERM: the application's hook drains its workers and prints its count
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        out.join(5000);
        err.join(5000);
        String stdout = out.text();
        assertTrue(stdout.contains("started "), stdout + err.text());
        long app = Long.parseLong(stdout.substring(stdout.indexOf("started ") + 8).trim());
        String[] lines = err.text().split("\n");
        assertEquals(1, lines.length, err.text());
        assertTrue(lines[0].startsWith("spawnlock: cannot write " + log + " (File too large)"), err.text());
        Map<String, Long> counts = HistogramLogs.counts(log); // HdrHistogram's reader, to the end
        assertTrue(app > 10, "the application spawned while the disk was full: " + app);
        assertEquals(app, counts.getOrDefault("spawn", 0L) + counts.getOrDefault("spawn.failed", 0L), counts.toString());
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report", log.toString()).run();
        assertEquals(0, report.exitCode, report.toString());
    }

    /**
     * Paths another user could have planted, or that are not files: a FIFO at the metrics path (the agent
     * once replaced it with a regular file, and as root a real /dev/full), a log and dumps reached through a
     * directory symlink of another user (root only: it makes one). Each is one line; the application runs
     * on, the FIFO stays a FIFO, and nothing is written where the symlink points.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void pathsAnotherUserCouldPlantAreRefused(Jdks.Jdk jdk) throws Exception {
        Path fifo = dir.resolve("metrics.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self/"), "unix:uid"));
        Path victim = Files.createDirectory(dir.resolve("victim"));
        Path planted = Files.createSymbolicLink(dir.resolve("planted"), victim);
        if (root) {
            assertEquals(0, new ProcessBuilder("chown", "-h", "65534", planted.toString()).start().waitFor());
        }
        ForkedJvm.Result without = ForkedJvm.on(jdk).fixture(FaultApp.class).run();
        ForkedJvm.Result with = ForkedJvm.on(jdk).agent("metrics=" + fifo + ",interval=200ms"
                + (root ? ",log=" + planted.resolve("x.hlog") + ",dumps=" + planted.resolve("dumps") + ",dumpEvery=1s" : ""))
                .fixture(FaultApp.class).run();
        assertEquals(without.exitCode, with.exitCode, with.toString());
        assertEquals(without.stdout, with.stdout, with.toString());
        assertTrue(with.stderr.contains("spawnlock: cannot write the metrics file " + fifo + " (" + fifo
                + " exists and is not a regular file (a FIFO, socket or device)"), with.stderr);
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        if (root) {
            assertTrue(with.stderr.contains(planted + " is a symbolic link of another user (uid 65534); the agent"
                    + " does not follow it"), with.stderr);
            try (Stream<Path> written = Files.list(victim)) {
                assertEquals(0, written.count(), "nothing written through the planted symlink");
            }
        }
        for (String line : with.stderr.split("\n")) {
            assertTrue(line.startsWith("spawnlock: "), with.stderr);
        }
    }

    /**
     * The agent jar overwritten in place while the JVM runs (a build or a careless deploy): classes the agent
     * loads late, at its first interval or at exit, can no longer be read. The application goes on and exits
     * as it would; the agent says so in one line, never with a stack trace.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void anAgentJarOverwrittenUnderTheRunningJvmIsOneLine(Jdks.Jdk jdk) throws Exception {
        Path jar = Files.copy(ForkedJvm.AGENT_JAR, dir.resolve("agent.jar"));
        Process app = ForkedJvm.on(jdk).in(dir).args("-javaagent:" + jar + "=log=" + dir.resolve("o.hlog"))
                .sampleApp("--threads", "1", "--duration", "3s").start();
        ForkedJvm.StreamCollector out = new ForkedJvm.StreamCollector(app.getInputStream());
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(app.getErrorStream());
        Thread.sleep(1500); // the agent runs (its first spawn was at once); its first interval is at 5 s
        try (OutputStream over = Files.newOutputStream(jar)) { // the same file, truncated and written again
            over.write(new byte[4096]);
        }
        assertTrue(app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the application did not exit");
        out.join();
        err.join();
        assertEquals(0, app.exitValue(), err.text());
        assertTrue(out.text().contains("spawns"), out.text());
        assertFalse(err.text().contains("\tat ") || err.text().contains("Exception in thread"), err.text());
        for (String line : err.text().split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("spawnlock: ") || line.startsWith("spawnlock-sample: "),
                    "only the agent's and the application's own lines: " + err.text());
        }
    }

    /** The released jar: the property alone arms nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theReleasedJarIgnoresTheFaultProperty(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("r.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Dspawnlock.test.faults=spawn-recording,log,dump")
                .agent("log=" + log + ",interval=200ms,dumps=" + dir.resolve("d")).fixture(FaultApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(12L, counts.get("spawn") + counts.get("spawn.failed"), counts.toString());
    }

    /** A copy of the agent jar whose manifest allows test faults. */
    private static Path faultyJar() {
        try {
            Path target = Paths.get("target", "spawnlock-agent-test-faults.jar").toAbsolutePath();
            try (JarFile in = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
                Manifest manifest = new Manifest(in.getManifest());
                manifest.getMainAttributes().put(new Attributes.Name("Spawnlock-Test-Faults"), "allowed");
                try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                    Enumeration<JarEntry> entries = in.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                            continue;
                        }
                        JarEntry copy = new JarEntry(e.getName());
                        if (e.getMethod() == JarEntry.STORED) { // as the build stores it: inst/libraries.zip is read in place
                            copy.setMethod(JarEntry.STORED);
                            copy.setSize(e.getSize());
                            copy.setCompressedSize(e.getSize());
                            copy.setCrc(e.getCrc());
                        }
                        out.putNextEntry(copy);
                        try (InputStream data = in.getInputStream(e)) {
                            data.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
            return target;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test-faults jar", e);
        }
    }
}
