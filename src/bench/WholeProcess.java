import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * A/B harness for what a whole JVM pays for the agent: wall time from launch to exit and the CPU time of
 * the whole process (user + system, as the shell's {@code times} reports for its child), per JDK, for
 *
 * <ul>
 *   <li>{@code hello}: a main that prints and exits, never spawning;</li>
 *   <li>{@code first-spawn}: a main that starts {@code /bin/true} once and prints how long that first
 *       {@code start()} took, as the program itself measures it;</li>
 *   <li>{@code loop}: 2 threads x 6,000 spawns of {@code /bin/true} (POSIX_SPAWN), whole process; the last
 *       column is the time of each thread's second half, the steady state after warm-up, as the program
 *       measures it;</li>
 *   <li>{@code alloc}: 3,000 spawns on one thread; the last column is the bytes that thread allocated per
 *       spawn over the last 2,000 ({@code ThreadMXBean.getThreadAllocatedBytes}), in thousandths: the
 *       agent's share is the difference to the plain arm;</li>
 *   <li>{@code unread-output}: OpenJDK's LotsOfOutput shape, a {@code cat /dev/zero} never read while the used
 *       heap is sampled ten times 100 ms apart; the last column is how many samples grew by more than 1 MiB
 *       (that test fails above 2);</li>
 *   <li>{@code output-loop}: 6,000 spawns whose children each write 256 KiB, read and thrown away; the last
 *       column is the growth of the heap left after a full GC, spawn 3,000 to 6,000, in bytes per spawn.</li>
 * </ul>
 *
 * <p>Arms: no agent, an agent whose premain does nothing (the JVM's own price of any {@code -javaagent}), and
 * each agent jar given, interleaved run by run so that the machine's noise falls on all alike. Medians.
 *
 * <p>{@code java src/bench/WholeProcess.java <runs> <hello|first-spawn|loop|alloc|unread-output|output-loop> <options> <jar>... [-- <java-home>...]}
 */
public class WholeProcess {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        String mode = args[1];
        String options = args[2];
        List<String> jars = new ArrayList<>();
        List<String> homes = new ArrayList<>();
        boolean inHomes = false;
        for (String a : Arrays.asList(args).subList(3, args.length)) {
            if (a.equals("--")) {
                inHomes = true;
            } else {
                (inHomes ? homes : jars).add(a);
            }
        }
        if (homes.isEmpty()) {
            homes = Arrays.asList("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64");
        }
        Path work = Files.createTempDirectory("spawnlock-whole");
        Files.writeString(work.resolve("Hello.java"), "public class Hello { public static void main(String[] a) {"
                + " System.out.println(\"hello\"); } }");
        Files.writeString(work.resolve("FirstSpawn.java"), "public class FirstSpawn { public static void main(String[] a)"
                + " throws Exception { long t0 = System.nanoTime(); Process p = new ProcessBuilder(\"/bin/true\").start();"
                + " long took = System.nanoTime() - t0; p.waitFor(); System.out.println(took); } }");
        // 2 threads x 6,000 spawns of /bin/true; prints the second half's time, the steady state after warm-up
        Files.writeString(work.resolve("SpawnLoop.java"), "public class SpawnLoop { public static void main(String[] a)"
                + " throws Exception { int n = 6000; long[] half = new long[2]; Thread[] t = new Thread[2];"
                + " for (int i = 0; i < 2; i++) { int id = i; t[i] = new Thread(() -> { try { long mid = 0;"
                + " for (int j = 0; j < n; j++) { if (j == n / 2) mid = System.nanoTime();"
                + " new ProcessBuilder(\"/bin/true\").start().waitFor(); } half[id] = System.nanoTime() - mid;"
                + " } catch (Exception e) { throw new RuntimeException(e); } }); t[i].start(); }"
                + " for (Thread x : t) x.join(); System.out.println(\"steady \" + Math.max(half[0], half[1])); } }");
        // 3,000 spawns on one thread; prints the bytes that thread allocated per spawn over the last 2,000
        Files.writeString(work.resolve("SpawnAlloc.java"), "public class SpawnAlloc { public static void main(String[] a)"
                + " throws Exception { com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean)"
                + " java.lang.management.ManagementFactory.getThreadMXBean(); long id = Thread.currentThread().getId();"
                + " long from = 0; for (int i = 0; i < 3000; i++) { if (i == 1000) from = t.getThreadAllocatedBytes(id);"
                + " Process p = new ProcessBuilder(\"/bin/true\").start(); p.waitFor(); p.getInputStream().close();"
                + " p.getOutputStream().close(); p.getErrorStream().close(); }"
                + " System.out.println(\"steady \" + (t.getThreadAllocatedBytes(id) - from) * 1000000L / 2000); } }");
        // OpenJDK's LotsOfOutput shape: a child that writes without end, never read; the used heap sampled ten
        // times, 100 ms apart. Prints how many samples grew by more than 1 MiB (that test fails above 2)
        Files.writeString(work.resolve("UnreadOutput.java"), "public class UnreadOutput { public static void main(String[] a)"
                + " throws Exception { Runtime r = Runtime.getRuntime(); Process p = new ProcessBuilder(\"cat\", \"/dev/zero\").start();"
                + " long prev = r.totalMemory() - r.freeMemory(); int growing = 0; for (int i = 1; i < 10; i++) {"
                + " Thread.sleep(100); long used = r.totalMemory() - r.freeMemory(); if (used > prev + 1048576) growing++;"
                + " prev = used; } p.destroy(); p.waitFor(); System.out.println(\"steady \" + growing * 1000000L); } }");
        // 6,000 spawns, each child writing 256 KiB that the parent reads and throws away; prints the growth of
        // the heap left after a full GC from spawn 3,000 to spawn 6,000 (the agent's structures are filled by
        // then), in bytes per spawn
        Files.writeString(work.resolve("OutputLoop.java"), "public class OutputLoop { static long live() {"
                + " System.gc(); System.gc(); return java.lang.management.ManagementFactory.getMemoryMXBean()"
                + ".getHeapMemoryUsage().getUsed(); } public static void main(String[] a) throws Exception { long from = 0;"
                + " for (int i = 0; i < 6000; i++) { if (i == 3000) from = live(); Process p = new ProcessBuilder(\"head\","
                + " \"-c\", \"262144\", \"/dev/zero\").start(); p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());"
                + " p.waitFor(); p.getOutputStream().close(); p.getErrorStream().close(); }"
                + " System.out.println(\"steady \" + (live() - from) * 1000000L / 3000); } }");
        Files.writeString(work.resolve("EmptyAgent.java"), "public class EmptyAgent { public static void premain(String a,"
                + " java.lang.instrument.Instrumentation i) { } }");
        String main = mode.equals("hello") ? "Hello" : mode.equals("loop") ? "SpawnLoop"
                : mode.equals("alloc") ? "SpawnAlloc" : mode.equals("unread-output") ? "UnreadOutput"
                : mode.equals("output-loop") ? "OutputLoop" : "FirstSpawn";
        System.out.printf(Locale.ROOT, "%-22s %-40s %10s %10s %12s %s%n", "jdk", "arm", "wall ms", "cpu ms",
                mode.equals("hello") ? "" : mode.equals("loop") ? "steady ms" : mode.equals("alloc") ? "B/spawn"
                        : mode.equals("unread-output") ? "grew >1MiB" : mode.equals("output-loop") ? "live B/spawn" : "1st start ms",
                "stderr");
        for (String home : homes) {
            Path classes = work.resolve(home.replaceAll(".*/", ""));
            run(List.of(home + "/bin/javac", "--release", "11", "-d", classes.toString(),
                    work.resolve("Hello.java").toString(), work.resolve("FirstSpawn.java").toString(),
                    work.resolve("SpawnLoop.java").toString(), work.resolve("SpawnAlloc.java").toString(),
                    work.resolve("UnreadOutput.java").toString(), work.resolve("OutputLoop.java").toString(),
                    work.resolve("EmptyAgent.java").toString()), work);
            Path emptyJar = classes.resolve("empty-agent.jar");
            writeAgentJar(emptyJar, classes.resolve("EmptyAgent.class"));
            List<String> names = new ArrayList<>(List.of("plain", "empty agent"));
            List<List<String>> commands = new ArrayList<>();
            String java = home + "/bin/java";
            commands.add(List.of(java, "-cp", classes.toString(), main));
            commands.add(List.of(java, "-javaagent:" + emptyJar, "-cp", classes.toString(), main));
            for (String jar : jars) {
                names.add(Paths.get(jar).toAbsolutePath().normalize().toString().replaceAll(".*/(.*/.*/.*/[^/]*)$", "$1"));
                commands.add(List.of(java, "-javaagent:" + Paths.get(jar).toAbsolutePath() + (options.isEmpty() ? "" : "=" + options),
                        "-cp", classes.toString(), main));
            }
            for (int i = 0; i < 3; i++) { // warm the page cache and the JDK's CDS archive
                for (List<String> c : commands) {
                    measure(c, work);
                }
            }
            List<List<Double>> wall = new ArrayList<>(), cpu = new ArrayList<>(), first = new ArrayList<>();
            List<String> stderr = new ArrayList<>();
            for (int arm = 0; arm < commands.size(); arm++) {
                wall.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
                first.add(new ArrayList<>());
                stderr.add("");
            }
            for (int i = 0; i < runs; i++) {
                for (int arm = 0; arm < commands.size(); arm++) {
                    double[] m = measure(commands.get(arm), work);
                    wall.get(arm).add(m[0]);
                    cpu.get(arm).add(m[1]);
                    first.get(arm).add(m[2]);
                    stderr.set(arm, stderr.get(arm) + lastStderr);
                }
            }
            String version = home.replaceAll(".*/", "");
            for (int arm = 0; arm < commands.size(); arm++) {
                String err = stderr.get(arm);
                System.out.printf(Locale.ROOT, "%-22s %-40s %10.1f %10.1f %12s %s%n", version, names.get(arm),
                        median(wall.get(arm)), median(cpu.get(arm)),
                        mode.equals("hello") ? "" : String.format(Locale.ROOT, "%.2f", median(first.get(arm))),
                        err.isEmpty() ? "(empty)" : err.replace("\n", "\\n"));
            }
            for (int arm = 2; arm < commands.size(); arm++) {
                System.out.printf(Locale.ROOT, "%-22s %-40s %+10.1f %+10.1f %12s   (minus the empty agent, medians of %d)%n",
                        version, names.get(arm), median(wall.get(arm)) - median(wall.get(1)),
                        median(cpu.get(arm)) - median(cpu.get(1)), mode.equals("hello") ? ""
                                : String.format(Locale.ROOT, "%+.2f", median(first.get(arm)) - median(first.get(0))), runs);
            }
        }
    }

    private static String lastStderr = "";

    /** {wall ms, CPU ms of the whole process, the first start() in ms or 0}. */
    private static double[] measure(List<String> command, Path dir) throws Exception {
        List<String> shell = new ArrayList<>(List.of("bash", "-c", "\"$@\" >out.txt 2>err.txt; rc=$?; times; exit $rc", "--"));
        shell.addAll(command);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(shell).directory(dir.toFile()).redirectErrorStream(true).start();
        String times = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e6;
        lastStderr = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IllegalStateException(command + " failed: " + lastStderr);
        }
        String[] lines = times.trim().split("\n");
        String[] children = lines[lines.length - 1].trim().split("\\s+");
        double cpu = seconds(children[0]) * 1000 + seconds(children[1]) * 1000;
        String out = Files.readString(dir.resolve("out.txt")).trim();
        double first = out.matches("\\d+") ? Long.parseLong(out) / 1e6
                : out.startsWith("steady ") ? Long.parseLong(out.substring(7)) / 1e6 : 0;
        return new double[] {wall, cpu, first};
    }

    /** bash's {@code 0m0.123s}. */
    private static double seconds(String t) {
        int m = t.indexOf('m');
        return Integer.parseInt(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
    }

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

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
