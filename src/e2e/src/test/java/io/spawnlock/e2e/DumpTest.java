package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.DumpApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dumps from a real JVM on JDK 17 and 25: one holder and two waiters of a discovered spawn lock, dumped
 * on SIGUSR1 (also when the application has its own handler), periodically up to maxDumps, and when a
 * wait passes dumpOnWait.
 */
class DumpTest {
    private static final String LOCK = "io.spawnlock.e2e.fixtures.DumpApp.lock";

    @TempDir
    Path dir;

    /** DumpApp under the agent, driven through its protocol. */
    final class App implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final ForkedJvm.StreamCollector err;
        final ForkedJvm.Watchdog watchdog;
        final Path log = dir.resolve("dump.hlog");
        final Path dumps = dir.resolve("dumps");
        final StringBuilder stdout = new StringBuilder();

        App(Jdks.Jdk jdk, String options, String... args) throws Exception {
            this(jdk, List.of(), options, args);
        }

        App(Jdks.Jdk jdk, List<String> jvmArgs, String options, String... args) throws Exception {
            process = ForkedJvm.on(jdk).agent("log=" + log + ",interval=100ms,dumps=" + dumps + options)
                    .args(jvmArgs.toArray(new String[0])).fixture(DumpApp.class, args).start();
            err = new ForkedJvm.StreamCollector(process.getErrorStream());
            watchdog = new ForkedJvm.Watchdog(process, jdk, 60);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            expect("warm");
            String marker = "#[spawnlock spawn lock " + LOCK;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(log) && Files.readString(log).contains(marker))) {
                assertTrue(System.nanoTime() < deadline, "the lock was never discovered" + err.text());
                Thread.sleep(20);
            }
            line();
            expect("ready");
        }

        void line() throws Exception {
            OutputStream in = process.getOutputStream();
            in.write('\n');
            in.flush();
        }

        void expect(String wanted) throws Exception {
            String l;
            while ((l = out.readLine()) != null) {
                stdout.append(l).append('\n');
                if (l.equals(wanted)) {
                    return;
                }
            }
            throw new AssertionError("no '" + wanted + "' from the app:\n" + stdout + err.text() + watchdog.dump());
        }

        void signal() throws Exception {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start();
            assertEquals(0, kill.waitFor());
        }

        List<Path> dumpFiles() throws Exception {
            if (!Files.isDirectory(dumps)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dumps)) {
                return files.filter(f -> f.getFileName().toString().startsWith("spawnlock-dump-")).sorted()
                        .collect(Collectors.toList());
            }
        }

        Path awaitDump(int n) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (dumpFiles().size() < n) {
                assertTrue(System.nanoTime() < deadline, "no dump " + n + err.text());
                Thread.sleep(20);
            }
            return dumpFiles().get(n - 1);
        }

        /** Lets the holder go and waits for the app to end cleanly. */
        @Override
        public void close() throws Exception {
            line();
            expect("done");
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            err.join();
            assertEquals(0, process.exitValue(), stdout + err.text());
        }
    }

    /** "248ms", "1.20s", "35.6µs" as nanoseconds. */
    static double nanos(String text) {
        Matcher m = Pattern.compile("([0-9.]+)(ns|µs|ms|s)").matcher(text);
        assertTrue(m.matches(), text);
        double v = Double.parseDouble(m.group(1));
        switch (m.group(2)) {
            case "ns": return v;
            case "µs": return v * 1e3;
            case "ms": return v * 1e6;
            default: return v * 1e9;
        }
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "no " + regex + " in:\n" + text);
        return m.group(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void sigusr1DumpsTheHolderAndTheWaitersLongestFirst(Jdks.Jdk jdk) throws Exception {
        String dump;
        Path file;
        try (App app = new App(jdk, "")) {
            app.signal();
            file = app.awaitDump(1);
            dump = Files.readString(file);
            assertEquals("", app.err.text());
        }
        assertTrue(dump.contains("trigger: SIGUSR1\n"), dump);
        assertTrue(dump.contains("\n== spawn lock " + LOCK + "\n"), dump);
        double holding = nanos(find(dump, "^holder: \"holder\" id=\\d+ state=\\w+, holding for (\\S+), not in a spawn$"));
        assertTrue(dump.contains("waiters: 2\n"), dump);
        double first = nanos(find(dump, "^waiter: \"waiter-1\" id=\\d+ state=WAITING, waiting (\\S+), overtaken 0 times$"));
        double second = nanos(find(dump, "^waiter: \"waiter-2\" id=\\d+ state=WAITING, waiting (\\S+), overtaken 0 times$"));
        assertTrue(dump.indexOf("\"waiter-1\"") < dump.indexOf("\"waiter-2\""), "longest wait first:\n" + dump);
        assertTrue(first >= second + 250e6, first + " vs " + second);
        assertTrue(holding >= first && second >= 300e6, dump);
        // the stacks of exactly these threads, where they are
        assertTrue(dump.matches("(?s).*\\n    at (app//)?io.spawnlock.e2e.fixtures.DumpApp.spawnUnderLock\\(DumpApp.java.*"), dump);
        // consistent with the log: waiter-1's whole wait was at least what the dump saw
        Map<String, Long> counts = HistogramLogs.counts(dir.resolve("dump.hlog"));
        assertEquals(4L, counts.get("lock.hold." + LOCK), counts.toString()); // the warm-up, the holder and the waiters: found as the class loaded
        assertTrue(HistogramLogs.max(dir.resolve("dump.hlog"), "lock.wait." + LOCK) >= first * 0.99, dump);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    /**
     * The JVM's own log of its pauses: each stack taken with a stop of every thread would be a "ThreadDump"
     * safepoint. JDK 21+ takes each stack in a handshake with that thread alone; before, the three stacks
     * are taken in one safepoint, not one each.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aDumpStopsEveryThreadAtMostOnce(Jdks.Jdk jdk) throws Exception {
        Path pauses = dir.resolve("pauses.log");
        String dump;
        try (App app = new App(jdk, List.of("-Xlog:safepoint=info:file=" + pauses), "")) {
            app.signal();
            dump = Files.readString(app.awaitDump(1));
            assertEquals("", app.err.text());
        }
        assertTrue(dump.contains("waiters: 2\n"), dump);
        Matcher stacked = Pattern.compile("^(holder|waiter): .*\n    at ", Pattern.MULTILINE).matcher(dump);
        int stacks = 0;
        while (stacked.find()) {
            stacks++;
        }
        assertEquals(3, stacks, "the holder's and both waiters' stacks:\n" + dump);
        long stops = Files.readAllLines(pauses).stream().filter(l -> l.contains("Safepoint \"ThreadDump\"")).count();
        assertEquals(jdk.major >= 21 ? 0 : 1, stops, Files.readString(pauses));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theApplicationsOwnHandlerIsStillCalled(Jdks.Jdk jdk) throws Exception {
        try (App app = new App(jdk, "", "handler")) {
            Thread.sleep(500); // several intervals: the agent has put itself back in front of the app's handler
            app.signal();
            app.expect("app handler");
            Path dump = app.awaitDump(1);
            assertTrue(Files.readString(dump).contains("trigger: SIGUSR1\n"));
            assertEquals("", app.err.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void dumpEveryStopsAtMaxDumps(Jdks.Jdk jdk) throws Exception {
        List<Path> files;
        String stderr;
        try (App app = new App(jdk, ",signal=off,dumpEvery=1s,maxDumps=2")) {
            Thread.sleep(3500);
            files = app.dumpFiles();
            stderr = app.err.text();
        }
        assertEquals(2, files.size(), files.toString());
        for (Path f : files) {
            assertTrue(Files.readString(f).contains("trigger: dumpEvery=1s\n"));
        }
        assertEquals("spawnlock: no more dumps: 2 were written, the limit (maxDumps)\n", stderr);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void dumpOnWaitFiresOncePerLongWait(Jdks.Jdk jdk) throws Exception {
        List<Path> files;
        try (App app = new App(jdk, ",signal=off,dumpOnWait=200ms")) {
            Thread.sleep(1500);
            files = new ArrayList<>(app.dumpFiles());
        }
        // waiter-1 passes 200 ms first; waiter-2's long wait comes within the one-second gap between dumps
        assertEquals(1, files.size(), files.toString());
        String dump = Files.readString(files.get(0));
        assertTrue(dump.matches("(?s).*trigger: dumpOnWait=200ms \\(\"waiter-1\" waited [0-9.]+ms\\)\n.*"), dump);
        assertTrue(Files.readString(dir.resolve("dump.hlog")).contains("skipped: the previous one was less than 1s ago"));
    }
}
