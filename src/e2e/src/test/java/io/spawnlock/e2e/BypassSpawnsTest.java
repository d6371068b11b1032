package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spawns that never go through ProcessBuilder, on JDK 17 and 25: NuProcess 3.x (libjava's fork/exec called
 * through JNA), with the JNA it declares and with a newer one, and an application's own JNA spawner named
 * with {@code spawns=}. The programs count their own starts, failures and lock acquisitions and time their
 * own waits; the agent's log, read with HdrHistogram's reader, must agree, and the programs' output must be
 * the same with and without the agent.
 *
 * <p>JNA's NativeLibrary runs {@code /sbin/ldconfig -p} through ProcessBuilder as it loads unless
 * {@code jna.platform.library.path} is set: the programs run with it set, with and without the agent, so
 * that every spawn is one they count.
 */
class BypassSpawnsTest {
    private static final Path LIBS = Paths.get(System.getProperty("spawnlock.bypassLibs", "target/bypass-libs"));
    private static final Path SOURCES = Paths.get(System.getProperty("spawnlock.bypassSources", "src/bypass/java"));
    /** NuProcess with the JNA it declares ("own"), and with a JNA newer than the agent's ("new"). */
    private static final List<String> SETS = List.of("own", "new");
    private static final String[] JVM_FLAGS = {"-Djna.platform.library.path=/usr/lib",
            "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n"}; // NuProcess's warnings without a time
    private static final Pattern NU_TRUTH = Pattern.compile(
            "starts=(\\d+) failed=(\\d+) acquisitions=(\\d+) waitNanos=(\\d+) bytes=(\\d+)");
    private static final String GATE = "bypass.NuProcessApp.GATE";
    /** NuProcess's own lock around its start: synchronized (LinProcessFactory.class) in createProcess. */
    private static final String FACTORY_LOCK = "com.zaxxer.nuprocess.linux.LinProcessFactory#createProcess";

    @TempDir
    static Path compiled;

    @TempDir
    Path dir;

    private static final Map<String, String> CLASS_PATH = new HashMap<>();

    @BeforeAll
    static void compileTheProgramsAgainstEachSet() throws Exception {
        for (String set : SETS) {
            CLASS_PATH.put(set, LibrarySets.compile(LIBS.resolve(set), 2, "NuProcess and JNA", compiled.resolve(set),
                    LibrarySets.sourcesIn(SOURCES.resolve("bypass"))));
        }
    }

    static Stream<Arguments> jdksAndSets() {
        return Jdks.all().flatMap(jdk -> SETS.stream().map(set -> Arguments.of(jdk, set)));
    }

    static Stream<Arguments> jdks() {
        return Jdks.all().map(Arguments::of);
    }

    private static ForkedJvm program(Jdks.Jdk jdk, String agentOptions, String set, String main, String... args) {
        ForkedJvm jvm = ForkedJvm.on(jdk).args(JVM_FLAGS);
        if (agentOptions != null) {
            jvm.agent(agentOptions);
        }
        List<String> all = new ArrayList<>(Arrays.asList("-cp", CLASS_PATH.get(set), main));
        all.addAll(Arrays.asList(args));
        return jvm.args(all.toArray(new String[0]));
    }

    @ParameterizedTest(name = "{0}, JNA {1}")
    @MethodSource("jdksAndSets")
    void nuProcessSpawnsAreCountedFailuresToLocksFoundAndTheProgramSeesNoDifference(Jdks.Jdk jdk, String set)
            throws Exception {
        ForkedJvm.Result plain = program(jdk, null, set, "bypass.NuProcessApp", "counts", "4", "10").run();
        Path log = dir.resolve("nuprocess.hlog");
        ForkedJvm.Result r = program(jdk, "log=" + log + ",interval=200ms", set, "bypass.NuProcessApp", "counts", "4", "10").run();
        assertEquals(0, plain.exitCode, plain.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(withoutTimes(plain.stdout), withoutTimes(r.stdout), "the program's output changed under the agent");
        assertEquals(sortedLines(plain.stderr), sortedLines(r.stderr), "the program's stderr changed under the agent");
        assertFalse(r.agentPrinted(), r.stderr);

        Matcher m = NU_TRUTH.matcher(r.stdout);
        assertTrue(m.find(), r.toString());
        long starts = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        long acquisitions = Long.parseLong(m.group(3));
        long programWait = Long.parseLong(m.group(4));
        assertEquals(43, starts, "4 x 10 started under the lock, 3 run: " + r);
        assertEquals(8, failed, "every fifth of the 40 names a missing program: " + r);

        Map<String, Long> counts = HistogramLogs.counts(log);
        Map<String, Double> means = HistogramLogs.means(log);
        String context = "program: " + m.group() + "\nlog: " + counts + "\n" + r;
        assertEquals(starts - failed, counts.getOrDefault("spawn", 0L), context);
        assertEquals(failed, counts.getOrDefault("spawn.failed", 0L), context);
        assertEquals(starts, counts.getOrDefault("spawn.exec", 0L), "every start reached libjava's fork/exec: " + context);
        assertEquals(acquisitions, counts.getOrDefault("lock.hold." + GATE, 0L), "the program's lock, from its first acquisition: " + context);
        assertEquals(acquisitions, counts.getOrDefault("lock.hold." + FACTORY_LOCK, 0L), "NuProcess's own lock: " + context);
        assertEquals(acquisitions, counts.getOrDefault("lock.spawn." + FACTORY_LOCK, 0L), "the spawns under the innermost lock: " + context);
        double agentWait = means.getOrDefault("lock.wait." + GATE, 0.0) * counts.getOrDefault("lock.wait." + GATE, 0L);
        assertTrue(Math.abs(agentWait - programWait) <= 0.10 * programWait + 1e6, "lock.wait total "
                + Math.round(agentWait / 1e6) + " ms, the program's " + programWait / 1_000_000 + " ms: " + context);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aThreadInsideANuProcessSpawnIsShownInsideItInADump(Jdks.Jdk jdk) throws Exception {
        Path dumps = dir.resolve("dumps");
        ForkedJvm.Result r = program(jdk, "log=" + dir.resolve("dump.hlog") + ",interval=200ms,dumps=" + dumps, "own",
                "bypass.NuProcessApp", "dump").run();
        assertEquals(0, r.exitCode, r.toString());
        // the program's own stacks, before and after the dump, showed its spawner inside the same NuProcess spawn
        Matcher m = Pattern.compile("inside=(\\S+) descriptors=\\d+ (\\S+)").matcher(r.stdout);
        assertTrue(m.find(), r.toString());
        String dump = Files.readString(Paths.get(m.group(2)));
        Matcher holder = Pattern.compile("(?m)^holder: \"" + Pattern.quote(m.group(1)) + "\"[^\n]*\n(?:    at [^\n]*\n)+")
                .matcher(dump);
        assertTrue(holder.find(), "the spawner holds the program's lock:\n" + dump);
        String entry = holder.group();
        assertTrue(entry.contains(", in native fork/exec for ") || entry.contains(", in the spawning call for "),
                "the holder is shown inside its spawn:\n" + entry);
        assertTrue(entry.contains("com.zaxxer.nuprocess.linux.LinuxProcess.prepareProcess"), entry);
        assertTrue(dump.contains("inside a spawn: 1"), dump);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anEntryPointTheApplicationNamesIsMeasuredFromItsFirstCall(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("named.hlog");
        ForkedJvm.Result r = program(jdk, "log=" + log + ",interval=200ms,spawns=bypass.JnaSpawner#spawn", "own",
                "bypass.JnaSpawnApp", "40").run();
        assertEquals(0, r.exitCode, r.toString());
        Matcher m = Pattern.compile("calls=(\\d+) failed=(\\d+) spawnNanos=(\\d+) firstNanos=(\\d+) acquisitions=(\\d+)")
                .matcher(r.stdout);
        assertTrue(m.find(), r.toString());
        long calls = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        long spawnNanos = Long.parseLong(m.group(3));
        long firstNanos = Long.parseLong(m.group(4));
        Map<String, Long> counts = HistogramLogs.counts(log);
        Map<String, Double> means = HistogramLogs.means(log);
        String context = "program: " + m.group() + "\nlog: " + counts + "\n" + r;
        assertEquals(10, failed, context);
        assertEquals(calls - failed, counts.getOrDefault("spawn", 0L), "from the first call: " + context);
        assertEquals(failed, counts.getOrDefault("spawn.failed", 0L), "a call that throws is a failed spawn: " + context);
        assertEquals(Long.parseLong(m.group(5)), counts.getOrDefault("lock.hold.bypass.JnaSpawnApp.SPAWN_LOCK", 0L),
                "the lock around the named method, found as its caller loaded: " + context);
        double agentNanos = means.getOrDefault("spawn", 0.0) * counts.getOrDefault("spawn", 0L)
                + means.getOrDefault("spawn.failed", 0.0) * counts.getOrDefault("spawn.failed", 0L);
        // the agent times the method's code: not the first call's class initialisation (JNA's loading) before it
        assertTrue(agentNanos <= spawnNanos * 1.02 && agentNanos >= 0.9 * (spawnNanos - firstNanos),
                "spawn time " + Math.round(agentNanos / 1e6) + " ms, the program's " + spawnNanos / 1_000_000
                        + " ms around its calls (" + firstNanos / 1_000_000 + " ms the first): " + context);
    }

    private static String withoutTimes(String stdout) {
        return stdout.replaceAll("waitNanos=\\d+", "waitNanos=*");
    }

    /** Lines in order: threads print NuProcess's warnings in any order, the same ones with and without the agent. */
    private static List<String> sortedLines(String text) {
        return text.lines().sorted().collect(Collectors.toList());
    }
}
