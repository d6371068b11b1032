package io.spawnlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * A/B harness for the cost of an instrumented spawn lock: {@link LockSiteBenchmark} in plain JVMs and in
 * JVMs with the agent measuring both of its locks, interleaved round by round on each JDK, medians of the
 * rounds. Checks that the agent's log really holds the lock tags (a benchmark of an uninstrumented lock would
 * prove nothing) and prints a Markdown table for docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code LockCost <agent jar> <rounds> <java home>...}
 */
public final class LockCost {
    private static final String[] BENCHMARKS = {"monitor", "reentrantLock", "spawnPath", "spawnPathUnderLock", "clockRead"};
    /** Timestamps the probes take per acquire+release: entering, entered and exit for a monitor; acquired and released for a non-fair ReentrantLock taken at once. */
    private static final Map<String, Integer> CLOCK_READS = Map.of("monitor", 3, "reentrantLock", 2);
    private static final double TARGET_EXTRA_NANOS = 15;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LockCost <agent jar> <rounds> <java home>...");
            System.exit(2);
        }
        Path agentJar = Paths.get(args[0]).toAbsolutePath();
        int rounds = Integer.parseInt(args[1]);
        StringBuilder table = new StringBuilder();
        table.append("| JDK | lock | plain ns/op | with agent ns/op | added ns | clock reads x clock ns + 15 | allocated B/op plain / with agent |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (String home : Arrays.asList(args).subList(2, args.length)) {
            Map<String, List<Double>> plain = new LinkedHashMap<>();
            Map<String, List<Double>> agent = new LinkedHashMap<>();
            Map<String, List<Double>> alloc = new LinkedHashMap<>();
            Map<String, List<Double>> plainAlloc = new LinkedHashMap<>();
            Path logs = Files.createTempDirectory("spawnlock-lockcost");
            for (int round = 0; round < rounds; round++) {
                collect(run(home, null), plain, plainAlloc);
                collect(run(home, "-javaagent:" + agentJar + "=locks=" + LockSiteBenchmark.SITES + ",log="
                        + logs.resolve("bench-%p.hlog") + ",interval=1s"), agent, alloc);
            }
            checkInstrumented(logs);
            double clock = median(agent.get("clockRead"));
            String jdk = Paths.get(home).getFileName().toString();
            for (String b : new String[] {"monitor", "reentrantLock"}) {
                double p = median(plain.get(b));
                double a = median(agent.get(b));
                table.append(String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.3f / %.3f |%n", jdk, b, p, a, a - p,
                        CLOCK_READS.get(b) * clock + TARGET_EXTRA_NANOS, median(plainAlloc.get(b)), median(alloc.get(b))));
            }
            for (String b : new String[] {"spawnPath", "spawnPathUnderLock"}) { // no bar on time: it is the spawn's
                table.append(String.format("| %s | %s (no fork) | %.1f | %.1f | %.1f | | %.3f / %.3f |%n", jdk, b,
                        median(plain.get(b)), median(agent.get(b)), median(agent.get(b)) - median(plain.get(b)),
                        median(plainAlloc.get(b)), median(alloc.get(b))));
            }
            table.append(String.format("| %s | clock read (`System.nanoTime`) | %.1f | %.1f | | | |%n", jdk,
                    median(plain.get("clockRead")), clock));
        }
        System.out.println();
        System.out.println("Medians of " + rounds + " interleaved rounds:");
        System.out.print(table);
    }

    private static Collection<RunResult> run(String javaHome, String agentArg) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(LockSiteBenchmark.class.getName() + "\\.")
                .jvm(Paths.get(javaHome, "bin", "java").toString())
                .forks(1)
                .shouldFailOnError(true)
                .addProfiler(GCProfiler.class);
        if (agentArg != null) {
            options.jvmArgsAppend(agentArg);
        }
        return new Runner(options.build()).run();
    }

    private static void collect(Collection<RunResult> results, Map<String, List<Double>> scores,
                                Map<String, List<Double>> allocations) {
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            scores.computeIfAbsent(name, k -> new ArrayList<>()).add(r.getPrimaryResult().getScore());
            if (allocations != null) {
                Result<?> norm = r.getSecondaryResults().get("gc.alloc.rate.norm");
                allocations.computeIfAbsent(name, k -> new ArrayList<>()).add(norm == null ? Double.NaN : norm.getScore());
            }
        }
        for (String b : BENCHMARKS) {
            if (!scores.containsKey(b)) {
                throw new IllegalStateException("no result for " + b + ": " + scores.keySet());
            }
        }
    }

    /** Fails unless the agent's logs hold a hold tag for both locks: the benchmark measured the rewrite. */
    private static void checkInstrumented(Path logs) throws IOException {
        String all;
        try (Stream<Path> files = Files.list(logs)) {
            all = files.map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        if (!all.contains("Tag=spawn,")) {
            throw new IllegalStateException("the agent did not measure the spawn path: no Tag=spawn, in " + logs);
        }
        for (String field : new String[] {"monitor", "lock"}) {
            String tag = "Tag=lock.hold." + LockSiteBenchmark.class.getName() + "." + field + ",";
            if (!all.contains(tag)) {
                throw new IllegalStateException("the agent did not measure " + field + ": no " + tag + " in " + logs);
            }
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
