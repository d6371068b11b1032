import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A/B harness for the spawn-throughput bar: spawns per second of a spawn-heavy run (POSIX_SPAWN,
 * {@code /bin/true}, 2 threads, no lock) with the agent, as a share of the same run without it.
 *
 * <p>Run from the repository root after a build:
 * {@code java [-Dwarmup=2s] src/bench/SpawnThroughput.java [runs] [seconds] [java-home...]}. Each run
 * spawns for 2 s (or the {@code warmup} property's duration) first ({@code --warmup}), left out of its rate:
 * the steady state, after the JVM's start-up and the agent's (whose first spawn waits for ByteBuddy, ~0.3 s,
 * and whose thread loads it meanwhile). The two arms alternate run by run, so the machine's noise falls on
 * both alike; the medians and their ratio are printed per JDK. Next to the rate, the CPU each spawn took
 * (the JVM's own, and with its children's: the sample app reads both from /proc/self/stat around its
 * measured run): on a shared machine whose other tenants take the CPU away at random, the wall-clock rate
 * moves by tens of percent from run to run, while the CPU per spawn counts only the work done, so the
 * agent's share of it shows through. On JDK 24+ the agent arm also runs with
 * {@code --enable-native-access=ALL-UNNAMED} (JNA's getrusage) as a third arm, since that is the costlier
 * CPU source.
 */
public class SpawnThroughput {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        String seconds = args.length > 1 ? args[1] : "5";
        List<String> homes = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
                : Arrays.asList("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64");
        Path agent = Paths.get("agent/target/spawnlock-agent.jar").toAbsolutePath();
        Path sample = Paths.get("sample-app/target/spawnlock-sample.jar").toAbsolutePath();
        if (!Files.exists(agent) || !Files.exists(sample)) {
            throw new IllegalStateException("build first: mvn -B -DskipTests package");
        }
        Path work = Files.createTempDirectory("spawnlock-throughput");
        List<String> app = List.of("-jar", sample.toString(), "--threads", "2", "--duration", seconds + "s",
                "--lock", "none", "--command", "/bin/true", "--warmup", System.getProperty("warmup", "2s"));
        System.out.printf(Locale.ROOT, "%-6s %-18s %9s %9s %9s %8s %14s %16s%n", "jdk", "arm", "median/s", "min/s",
                "max/s", "share", "JVM CPU/spawn", "with children");
        for (String home : homes) {
            String java = home + "/bin/java";
            int major = Integer.parseInt(version(java));
            List<List<String>> arms = new ArrayList<>();
            List<String> names = new ArrayList<>();
            arms.add(command(java, null, app));
            names.add("without agent");
            arms.add(command(java, "-javaagent:" + agent + "=log=" + work.resolve("t-%p.hlog"), app));
            names.add("with agent");
            if (major >= 24) {
                List<String> jna = new ArrayList<>(command(java, "-javaagent:" + agent + "=log=" + work.resolve("t-%p.hlog"), app));
                jna.add(1, "--enable-native-access=ALL-UNNAMED");
                arms.add(jna);
                names.add("with agent, JNA");
            }
            List<List<Double>> rates = new ArrayList<>();
            List<List<Double>> cpu = new ArrayList<>();
            List<List<Double>> cpuWithChildren = new ArrayList<>();
            for (int a = 0; a < arms.size(); a++) {
                rates.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
                cpuWithChildren.add(new ArrayList<>());
            }
            for (int r = 0; r < runs; r++) {
                for (int a = 0; a < arms.size(); a++) {
                    double[] run = run(arms.get(a), work);
                    rates.get(a).add(run[0]);
                    cpu.get(a).add(run[1]);
                    cpuWithChildren.get(a).add(run[2]);
                }
            }
            double base = median(rates.get(0));
            double baseCpu = median(cpu.get(0));
            double baseCpuAll = median(cpuWithChildren.get(0));
            for (int a = 0; a < arms.size(); a++) {
                List<Double> sorted = new ArrayList<>(rates.get(a));
                Collections.sort(sorted);
                double m = median(sorted);
                double c = median(cpu.get(a));
                double all = median(cpuWithChildren.get(a));
                System.out.printf(Locale.ROOT, "%-6d %-18s %9.1f %9.1f %9.1f %7.1f%% %8.0f µs%s %8.0f µs%s%n", major,
                        names.get(a), m, sorted.get(0), sorted.get(sorted.size() - 1), 100 * m / base, c,
                        a == 0 ? "       " : String.format(Locale.ROOT, " %+5.1f%%", 100 * (c / baseCpu - 1)), all,
                        a == 0 ? "" : String.format(Locale.ROOT, " %+5.1f%%  -> %.1f%% of the throughput without",
                                100 * (all / baseCpuAll - 1), 100 * baseCpuAll / all));
            }
            // Each run against the run without the agent just before it: neighbours in time share the
            // machine's state more than the two arms' medians do.
            for (int a = 1; a < arms.size(); a++) {
                List<Double> rateRatios = new ArrayList<>();
                List<Double> cpuRatios = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    rateRatios.add(rates.get(a).get(r) / rates.get(0).get(r));
                    cpuRatios.add(cpuWithChildren.get(0).get(r) / cpuWithChildren.get(a).get(r));
                }
                System.out.printf(Locale.ROOT, "%-6d %-18s paired, median of %d: rate %.1f%% of without; CPU per spawn"
                        + " with children -> %.1f%% of the throughput without%n", major, names.get(a), runs,
                        100 * median(rateRatios), 100 * median(cpuRatios));
            }
        }
    }

    private static List<String> command(String java, String agentArg, List<String> app) {
        List<String> c = new ArrayList<>();
        c.add(java);
        if (agentArg != null) {
            c.add(agentArg);
        }
        c.addAll(app);
        return c;
    }

    private static final Pattern SUMMARY = Pattern.compile("^summary spawns=(\\d+) .* rate=([0-9.]+)/s");
    private static final Pattern CPU = Pattern.compile("^cpu during the run: this process (\\d+) ms, its children (\\d+) ms");

    /**
     * Runs the sample app once: {spawns per second, the JVM's CPU per spawn in µs, the same with the
     * children's}, from its own summary.
     */
    private static double[] run(List<String> command, Path work) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        Matcher summary = null;
        Matcher cpu = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                all.append(line).append('\n');
                Matcher m = SUMMARY.matcher(line);
                if (m.find()) {
                    summary = m;
                }
                m = CPU.matcher(line);
                if (m.find()) {
                    cpu = m;
                }
            }
        }
        if (p.waitFor() != 0 || summary == null || cpu == null) {
            throw new IllegalStateException("run failed: " + command + "\n" + all);
        }
        double spawns = Double.parseDouble(summary.group(1));
        double own = Double.parseDouble(cpu.group(1)) * 1000 / spawns;
        double children = Double.parseDouble(cpu.group(2)) * 1000 / spawns;
        return new double[] {Double.parseDouble(summary.group(2)), own, own + children};
    }

    private static String version(String java) throws Exception {
        Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("java.specification.version = ")) {
                return line.trim().substring("java.specification.version = ".length());
            }
        }
        throw new IllegalStateException("no version from " + java);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
