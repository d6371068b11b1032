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
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A/B harness: how much the agent adds to a hello-world's time to {@code main}, per JDK.
 *
 * <p>Run from the repository root after a build:
 * {@code java src/bench/TimeToMain.java [runs] [java-home...]}. Arms are interleaved run by run so that
 * the machine's noise falls on all alike. A third arm, an agent whose premain does nothing, shows what any
 * {@code -javaagent} costs on this JVM, so the agent's own part can be told apart. Medians are printed, with
 * what each arm printed on stderr (it must be nothing).
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
        // The JVM's own price of any -javaagent: a premain that does nothing, in a one-class jar.
        Path emptyAgent = work.resolve("EmptyAgent.java");
        Files.writeString(emptyAgent, "public class EmptyAgent { public static void premain(String a,"
                + " java.lang.instrument.Instrumentation i) { } }");
        System.out.printf(Locale.ROOT, "%-22s %-14s %12s %12s %s%n", "jdk", "arm", "to main ms", "total ms", "stderr");
        for (String home : homes) {
            String java = home + "/bin/java";
            Path classes = work.resolve(home.replaceAll(".*/", ""));
            run(List.of(home + "/bin/javac", "--release", "11", "-d", classes.toString(), hello.toString(),
                    emptyAgent.toString()), work);
            Path emptyJar = classes.resolve("empty-agent.jar");
            writeAgentJar(emptyJar, classes.resolve("EmptyAgent.class"));
            String[] names = {"plain", "empty agent", "spawnlock"};
            List<List<String>> commands = List.of(
                    List.of(java, "-cp", classes.toString(), "Hello"),
                    List.of(java, "-javaagent:" + emptyJar, "-cp", classes.toString(), "Hello"),
                    List.of(java, "-javaagent:" + agent + "=log=" + work.resolve("ttm-%p.hlog"), "-cp",
                            classes.toString(), "Hello"));
            for (int i = 0; i < 3; i++) { // warm the page cache and the JDK's CDS archive
                for (List<String> command : commands) {
                    measure(command, work);
                }
            }
            List<List<Long>> toMain = new ArrayList<>(), total = new ArrayList<>();
            List<String> stderr = new ArrayList<>();
            for (int arm = 0; arm < commands.size(); arm++) {
                toMain.add(new ArrayList<>());
                total.add(new ArrayList<>());
                stderr.add("");
            }
            for (int i = 0; i < runs; i++) { // arms interleaved, so the machine's noise falls on all alike
                for (int arm = 0; arm < commands.size(); arm++) {
                    long[] m = measure(commands.get(arm), work);
                    toMain.get(arm).add(m[0]);
                    total.get(arm).add(m[1]);
                    stderr.set(arm, stderr.get(arm) + lastStderr);
                }
            }
            String version = home.replaceAll(".*/", "");
            for (int arm = 0; arm < commands.size(); arm++) {
                String err = stderr.get(arm);
                System.out.printf(Locale.ROOT, "%-22s %-14s %12.1f %12.1f %s%n", version, names[arm],
                        median(toMain.get(arm)) / 1e6, median(total.get(arm)) / 1e6,
                        err.isEmpty() ? "(empty)" : err.replace("\n", "\\n"));
            }
            difference(version, "added", toMain, total, 2, 0, "spawnlock minus plain, medians of " + runs + " runs");
            difference(version, "any agent", toMain, total, 1, 0, "empty agent minus plain: the JVM's own part");
            difference(version, "ours", toMain, total, 2, 1, "spawnlock minus empty agent: ours");
        }
    }

    /** One line: arm {@code a}'s medians minus arm {@code b}'s, to main and in total. */
    private static void difference(String version, String label, List<List<Long>> toMain, List<List<Long>> total,
                                   int a, int b, String what) {
        System.out.printf(Locale.ROOT, "%-22s %-14s %+12.1f %+12.1f   (%s)%n", version, label,
                (median(toMain.get(a)) - median(toMain.get(b))) / 1e6, (median(total.get(a)) - median(total.get(b))) / 1e6,
                what);
    }

    /** A jar whose manifest names {@code agentClass} (in the jar's root) as its Premain-Class. */
    private static void writeAgentJar(Path jar, Path agentClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "EmptyAgent");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry(agentClass.getFileName().toString()));
            out.write(Files.readAllBytes(agentClass));
            out.closeEntry();
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
