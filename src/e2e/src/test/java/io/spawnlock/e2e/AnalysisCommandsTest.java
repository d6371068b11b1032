package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline commands on logs written by the real agent, run with the real jar on JDK 17 and 25: every
 * format of report, compare, and merge, whose counts (read back with HdrHistogram's own reader) are the
 * sum of its inputs'.
 */
class AnalysisCommandsTest {
    @TempDir
    Path dir;

    private ForkedJvm.Result cli(Jdks.Jdk jdk, String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "-jar";
        command[1] = ForkedJvm.AGENT_JAR.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return ForkedJvm.on(jdk).args(command).run();
    }

    private Path record(Jdks.Jdk jdk, String name, String... sampleArgs) {
        Path log = dir.resolve(name);
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log + ",interval=200ms").sampleApp(sampleArgs).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        return log;
    }

    /** CSV rows by their first column. */
    private static Map<String, String[]> rows(String csv) {
        Map<String, String[]> rows = new HashMap<>();
        for (String line : csv.split("\\R")) {
            String[] cells = line.split(",", -1);
            rows.put(cells[0], cells);
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void reportCompareAndMergeAgreeWithTheRuns(Jdks.Jdk jdk) throws Exception {
        Path a = record(jdk, "a.hlog", "--threads", "2", "--spawns", "10", "--lock", "reentrant");
        Path b = record(jdk, "b.hlog", "--threads", "1", "--spawns", "5", "--lock", "none");

        ForkedJvm.Result csv = cli(jdk, "report", "--format", "csv", a.toString());
        assertEquals(0, csv.exitCode, csv.toString());
        assertEquals("", csv.stderr);
        Map<String, String[]> report = rows(csv.stdout);
        assertEquals("tag,unit,count,min,p50,p90,p99,p99.9,max,mean", csv.stdout.split("\\R")[0]);
        assertEquals("20", report.get("spawn")[2], csv.stdout);
        // every tag's count is what HdrHistogram's own reader finds (the first spawns came before discovery)
        Map<String, Long> inA = HistogramLogs.counts(a);
        assertEquals(6, inA.keySet().stream().filter(t -> t.startsWith("lock.")).count(), inA.toString());
        assertTrue(inA.keySet().containsAll(java.util.List.of("spawn", "spawn.exec", "spawn.cpu", "spawn.child", "os.rss")),
                inA.toString());
        inA.forEach((tag, n) -> assertEquals(Long.toString(n), report.get(tag)[2], tag + "\n" + csv.stdout));
        assertEquals("count", report.get("lock.queue.io.spawnlock.sample.Spawner.lock")[1], csv.stdout);

        ForkedJvm.Result text = cli(jdk, "report", "--tag", "lock.*", a.toString());
        assertEquals(0, text.exitCode, text.toString());
        assertTrue(text.stdout.contains("lock.wait.io.spawnlock.sample.Spawner.lock "), text.stdout);
        assertTrue(!text.stdout.contains("\nspawn "), text.stdout);

        ForkedJvm.Result hgrm = cli(jdk, "report", "--format", "hgrm", "--tag", "spawn", a.toString());
        assertEquals(0, hgrm.exitCode, hgrm.toString());
        assertTrue(hgrm.stdout.startsWith("# tag: spawn (milliseconds)"), hgrm.stdout);
        assertTrue(hgrm.stdout.matches("(?s).*Total count\\s+=\\s+20\\].*"), hgrm.stdout);

        ForkedJvm.Result series = cli(jdk, "report", "--intervals", "--format", "csv", "--tag", "spawn", a.toString());
        assertEquals(0, series.exitCode, series.toString());
        long perInterval = Arrays.stream(series.stdout.split("\\R")).skip(1)
                .mapToLong(line -> Long.parseLong(line.split(",")[5])).sum();
        assertEquals(20, perInterval, series.stdout);

        ForkedJvm.Result compare = cli(jdk, "compare", "--format", "csv", a.toString(), b.toString());
        assertEquals(0, compare.exitCode, compare.toString());
        String[] spawn = rows(compare.stdout).get("spawn");
        assertEquals("20", spawn[2], compare.stdout);
        assertEquals("5", spawn[3], compare.stdout);
        assertEquals("", rows(compare.stdout).get("lock.hold.io.spawnlock.sample.Spawner.lock")[3], compare.stdout);

        Path merged = dir.resolve("merged.hlog");
        ForkedJvm.Result merge = cli(jdk, "merge", a.toString(), b.toString(), "-o", merged.toString());
        assertEquals(0, merge.exitCode, merge.toString());
        Map<String, Long> inB = HistogramLogs.counts(b);
        Map<String, Long> sum = new HashMap<>(inA);
        inB.forEach((tag, n) -> sum.merge(tag, n, Long::sum));
        assertEquals(sum, new HashMap<>(HistogramLogs.counts(merged)));
        assertEquals(25L, sum.get("spawn"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aDamagedAgentLogIsNamedWithItsLineAndTheRestIsReported(Jdks.Jdk jdk) throws Exception {
        Path log = record(jdk, "run.hlog", "--threads", "2", "--spawns", "10", "--lock", "none");
        java.util.List<String> lines = java.nio.file.Files.readAllLines(log);
        int last = lines.size(); // the last interval line (1-based), cut in the middle as a crash would leave it
        while (!lines.get(last - 1).startsWith("Tag=")) {
            last--;
        }
        String cut = lines.get(last - 1).substring(0, lines.get(last - 1).length() / 2);
        Path truncated = dir.resolve("truncated.hlog");
        java.nio.file.Files.write(truncated, (String.join("\n", lines.subList(0, last - 1)) + "\n" + cut)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path gzip = dir.resolve("run.hlog.gz");
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gzip))) {
            z.write(java.nio.file.Files.readAllBytes(log));
        }
        ForkedJvm.Result r = cli(jdk, "report", "--format", "csv", truncated.toString(), gzip.toString());
        assertEquals(2, r.exitCode, r.toString());
        assertEquals("spawnlock: report: " + truncated + ": line " + last + ": the file ends inside this line"
                + " (cut short, or still being written); what came before it is reported\n"
                + "spawnlock: report: " + gzip + ": gzip-compressed (byte 0); decompress it first, e.g. gunzip -k " + gzip
                + "\n", r.stderr);
        assertTrue(rows(r.stdout).containsKey("spawn"), r.stdout);
    }
}
