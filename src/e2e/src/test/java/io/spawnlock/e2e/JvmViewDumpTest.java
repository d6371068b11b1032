package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.spawnlock.e2e.fixtures.shapes.UnreachableConvoyApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A convoy the rewrite cannot reach (workers looping since before the lock was found), on JDK 17 and 25:
 * the dump names as holder the thread the JVM's own thread dump ({@code jcmd Thread.print -l}) names as the
 * lock's owner, and as waiters exactly the threads it shows blocked on the lock.
 */
class JvmViewDumpTest {
    private static final String APP = UnreachableConvoyApp.class.getName();
    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE);

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Jdks.all().flatMap(jdk -> Stream.of("monitor", "lock").map(kind -> Arguments.of(jdk, kind)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void theDumpListsWhatTheJvmsThreadDumpShows(Jdks.Jdk jdk, String kind) throws Exception {
        String lock = APP + (kind.equals("monitor") ? ".CONVOY_MONITOR" : ".CONVOY_LOCK");
        Path log = dir.resolve("convoy.hlog");
        Path dumps = dir.resolve("dumps");
        Process p = ForkedJvm.on(jdk).agent("log=" + log + ",interval=100ms,dumps=" + dumps)
                .fixture(UnreachableConvoyApp.class, kind, "3", "2").start();
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        ForkedJvm.Watchdog watchdog = new ForkedJvm.Watchdog(p, jdk, 80);
        List<String> tried = new ArrayList<>();
        try {
            String marker = "#[spawnlock spawn lock " + lock + " held around a spawn at " + APP + "#loop";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(log) && Files.readString(log).contains(marker))) {
                assertTrue(System.nanoTime() < deadline, "lock never discovered\n" + err.text() + watchdog.dump());
                Thread.sleep(20);
            }
            assertTrue(!Files.readString(log).contains(marker + " (as the class loaded)"),
                    "this shape must be one the load-time pass cannot reach");
            // The two views are taken a moment apart; a handoff between them is retried, a wrong view never matches.
            for (int attempt = 1; attempt <= 6; attempt++) {
                Thread.sleep(1100); // one dump per second at most
                String dump = dumpOf(p, dumps, attempt);
                String jvm = jcmd(jdk, p);
                Map<String, Object> truth = jvmView(jvm, kind);
                Map<String, Object> ours = section(dump, lock);
                tried.add("attempt " + attempt + ": the JVM " + truth + ", the dump " + ours);
                @SuppressWarnings("unchecked")
                Set<String> blocked = (Set<String>) truth.get("waiters");
                if (blocked.size() >= 2 && truth.equals(ours)) {
                    assertEquals("", err.text());
                    return;
                }
            }
            fail("the dump never matched the JVM's thread dump:\n" + String.join("\n", tried) + "\n" + err.text());
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Signals the JVM and returns the {@code n}th dump's text. */
    private static String dumpOf(Process p, Path dumps, int n) throws Exception {
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (Files.isDirectory(dumps)) {
                try (Stream<Path> files = Files.list(dumps)) {
                    List<Path> all = files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted()
                            .collect(Collectors.toList());
                    if (all.size() >= n) {
                        return Files.readString(all.get(n - 1));
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no dump " + n);
            Thread.sleep(20);
        }
    }

    private static String jcmd(Jdks.Jdk jdk, Process p) throws Exception {
        Process jcmd = new ProcessBuilder(jdk.home.resolve("bin/jcmd").toString(), Long.toString(p.pid()),
                "Thread.print", "-l").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jcmd.waitFor(), out);
        return out;
    }

    /**
     * The JVM's thread dump: the threads waiting for the object the convoy threads wait on, and the thread
     * that holds it ({@code - locked <addr>}, or its ownable synchronizer under {@code -l}).
     */
    static Map<String, Object> jvmView(String threadDump, String kind) {
        Pattern waitsOn = Pattern.compile(kind.equals("monitor") ? "- waiting to lock <(0x[0-9a-f]+)>"
                : "- parking to wait for\\s+<(0x[0-9a-f]+)> \\(a java.util.concurrent.locks.ReentrantLock\\$NonfairSync\\)");
        Map<String, String> blockedOn = new HashMap<>();
        Map<String, String> blocks = new HashMap<>();
        for (String block : threadDump.split("\n(?=\")")) { // a thread's block runs to the next thread's name
            Matcher name = THREAD.matcher(block.trim());
            if (!name.find()) {
                continue;
            }
            blocks.put(name.group(1), block);
            Matcher w = waitsOn.matcher(block);
            if (w.find() && name.group(1).startsWith("convoy-")) {
                blockedOn.put(name.group(1), w.group(1));
            }
        }
        Set<String> waiters = new TreeSet<>(blockedOn.keySet());
        String owner = null;
        if (!blockedOn.isEmpty()) {
            String address = blockedOn.values().iterator().next();
            String held = kind.equals("monitor") ? "- locked <" + address + ">" : "- <" + address + ">";
            for (Map.Entry<String, String> b : blocks.entrySet()) {
                if (b.getValue().contains(held)) {
                    owner = b.getKey();
                }
            }
        }
        Map<String, Object> view = new HashMap<>();
        view.put("owner", owner);
        view.put("waiters", waiters);
        return view;
    }

    /** The dump's section of the lock: its holder's name and its waiters' names. */
    static Map<String, Object> section(String dump, String lock) {
        int start = dump.indexOf("\n== spawn lock " + lock + "\n");
        Map<String, Object> view = new HashMap<>();
        view.put("owner", null);
        view.put("waiters", new TreeSet<String>());
        if (start < 0) {
            return view;
        }
        int end = dump.indexOf("\n==", start + 3);
        String text = dump.substring(start, end < 0 ? dump.length() : end);
        Set<String> waiters = new TreeSet<>();
        for (String line : text.split("\n")) {
            Matcher name = Pattern.compile("^(holder|waiter): \"([^\"]+)\"").matcher(line);
            if (name.find()) {
                if (name.group(1).equals("holder")) {
                    view.put("owner", name.group(2));
                } else {
                    waiters.add(name.group(2));
                }
            }
        }
        view.put("waiters", waiters);
        return view;
    }
}
