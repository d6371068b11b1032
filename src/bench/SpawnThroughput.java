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

/**
 * A/B harness for PRODUCT.md's spawn bar: spawns per second of a spawn-heavy run (POSIX_SPAWN,
 * {@code /bin/true}, 2 threads, no lock) with the agent, as a share of the same run without it.
 *
 * <p>Run from the repository root after a build:
 * {@code java src/bench/SpawnThroughput.java [runs] [seconds] [java-home...]}. Each run spawns for 2 s
 * first ({@code --warmup}), left out of its rate: the steady state, after the JVM's start-up and the agent's
 * (whose first spawn waits for ByteBuddy, ~0.3 s, and whose thread loads it meanwhile). The two arms
 * alternate run by run, so the machine's noise falls on both alike; the medians and their ratio are
 * printed per JDK. On
 * JDK 24+ the agent arm also runs with {@code --enable-native-access=ALL-UNNAMED} (JNA's getrusage) as a
 * third arm, since that is the costlier CPU source.
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
                "--lock", "none", "--command", "/bin/true", "--warmup", "2s");
        System.out.printf(Locale.ROOT, "%-6s %-22s %8s %8s %8s%n", "jdk", "arm", "median/s", "min/s", "max/s");
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
            for (int a = 0; a < arms.size(); a++) {
                rates.add(new ArrayList<>());
            }
            for (int r = 0; r < runs; r++) {
                for (int a = 0; a < arms.size(); a++) {
                    rates.get(a).add(rate(arms.get(a), work));
                }
            }
            double base = median(rates.get(0));
            for (int a = 0; a < arms.size(); a++) {
                List<Double> sorted = new ArrayList<>(rates.get(a));
                Collections.sort(sorted);
                double m = median(sorted);
                System.out.printf(Locale.ROOT, "%-6d %-22s %8.1f %8.1f %8.1f%s%n", major, names.get(a), m, sorted.get(0),
                        sorted.get(sorted.size() - 1), a == 0 ? "" : String.format(Locale.ROOT, "   %.1f%% of without", 100 * m / base));
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

    /** Runs the sample app once; its own summary line gives spawns per second. */
    private static double rate(List<String> command, Path work) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String rate = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                all.append(line).append('\n');
                int at = line.indexOf(" rate=");
                if (line.startsWith("summary ") && at > 0) {
                    rate = line.substring(at + " rate=".length(), line.indexOf("/s", at));
                }
            }
        }
        if (p.waitFor() != 0 || rate == null) {
            throw new IllegalStateException("run failed: " + command + "\n" + all);
        }
        return Double.parseDouble(rate);
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
