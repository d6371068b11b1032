import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A/B harness: how much the agent adds to a hello-world's time to {@code main}, per JDK.
 *
 * <p>Run from the repository root after a build:
 * {@code java src/bench/TimeToMain.java [runs] [java-home...]}. Arms are interleaved run by run so that
 * the machine's noise falls on both alike; medians and their ratio are printed, with what the agent
 * printed on stderr (it must be nothing).
 */
public class TimeToMain {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        List<String> homes = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : Arrays.asList("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64");
        Path agent = Paths.get("agent/target/spawnlock-agent.jar").toAbsolutePath();
        if (!Files.exists(agent)) {
            throw new IllegalStateException("build first: mvn -B -DskipTests package (" + agent + " is missing)");
        }
        Path work = Files.createTempDirectory("spawnlock-ttm");
        Path hello = work.resolve("Hello.java");
        Files.writeString(hello, "public class Hello { public static void main(String[] a) {"
                + " java.time.Instant t = java.time.Instant.now();"
                + " System.out.println(t.getEpochSecond() * 1_000_000_000L + t.getNano()); } }");
        System.out.printf(Locale.ROOT, "%-8s %-10s %12s %12s %s%n", "jdk", "arm", "to main ms", "total ms", "agent stderr");
        for (String home : homes) {
            String java = home + "/bin/java";
            run(List.of(home + "/bin/javac", "-d", work.toString(), hello.toString()), work);
            List<String> plain = List.of(java, "-cp", work.toString(), "Hello");
            List<String> withAgent = List.of(java, "-javaagent:" + agent + "=log=" + work.resolve("ttm-%p.hlog"),
                    "-cp", work.toString(), "Hello");
            for (int i = 0; i < 3; i++) { // warm the page cache and the JDK's CDS archive
                measure(plain, work);
                measure(withAgent, work);
            }
            List<Long> plainMain = new ArrayList<>(), plainTotal = new ArrayList<>();
            List<Long> agentMain = new ArrayList<>(), agentTotal = new ArrayList<>();
            String stderr = "";
            for (int i = 0; i < runs; i++) {
                long[] p = measure(plain, work);
                plainMain.add(p[0]);
                plainTotal.add(p[1]);
                long[] a = measure(withAgent, work);
                agentMain.add(a[0]);
                agentTotal.add(a[1]);
                stderr += lastStderr;
            }
            String version = home.replaceAll(".*/", "");
            System.out.printf(Locale.ROOT, "%-8s %-10s %12.1f %12.1f%n", version, "plain", median(plainMain) / 1e6, median(plainTotal) / 1e6);
            System.out.printf(Locale.ROOT, "%-8s %-10s %12.1f %12.1f %s%n", version, "agent", median(agentMain) / 1e6, median(agentTotal) / 1e6,
                    stderr.isEmpty() ? "(empty)" : stderr.replace("\n", "\\n"));
            System.out.printf(Locale.ROOT, "%-8s %-10s %+12.1f %+12.1f   (agent median minus plain median, %d runs each)%n",
                    version, "added", (median(agentMain) - median(plainMain)) / 1e6,
                    (median(agentTotal) - median(plainTotal)) / 1e6, runs);
        }
    }

    private static String lastStderr = "";

    /** {time from launch to main's first line, total wall time}, in ns. */
    private static long[] measure(List<String> command, Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Instant launch = Instant.now();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(err));
        }
        long total = System.nanoTime() - t0;
        long mainAt = Long.parseLong(Files.readString(out).trim());
        lastStderr = Files.readString(err, StandardCharsets.UTF_8);
        return new long[] {mainAt - (launch.getEpochSecond() * 1_000_000_000L + launch.getNano()), total};
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
