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
 * A/B harness: what the load-time pass costs, whole process, per JDK, against an agent jar without it.
 *
 * <p>{@code java src/bench/LoadTimeCost.java <runs> <agent-jar-without-the-pass> <jar-of-classes> [java-home...]}
 * from the repository root after a build. Arms, interleaved run by run: no agent, the agent without the
 * pass, the agent with it. Two workloads:
 * <ul>
 * <li>{@code classes}: once the agent is up (1.5 s), load every class of a jar (ByteBuddy's: ~3,000 classes,
 * many with monitors) through a class loader of the application's, timing the loop and the process's CPU
 * in it: what each application class load pays for the constant-pool test and, where it passes, the read;</li>
 * <li>{@code to main}: a main class that takes a monitor around a spawn, from JVM start to its first line:
 * such a class waits for the lock rewriter.</li>
 * </ul>
 * Medians are printed.
 */
public class LoadTimeCost {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path without = Paths.get(args[1]).toAbsolutePath();
        Path jar = Paths.get(args[2]).toAbsolutePath();
        List<String> homes = args.length > 3 ? Arrays.asList(args).subList(3, args.length)
                : Arrays.asList("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64");
        Path with = Paths.get("agent/target/spawnlock-agent.jar").toAbsolutePath();
        Path work = Files.createTempDirectory("spawnlock-loadtime");
        Files.writeString(work.resolve("LoadAll.java"), String.join("\n",
                "import java.util.*; import java.util.jar.*; import java.net.*; import java.lang.management.*;",
                "public class LoadAll { public static void main(String[] a) throws Exception {",
                "  Thread.sleep(1500);",
                "  List<String> names = new ArrayList<>();",
                "  try (JarFile j = new JarFile(a[0])) { for (JarEntry e : Collections.list(j.entries())) {",
                "    String n = e.getName(); if (n.endsWith(\".class\") && !n.contains(\"-\") && !n.startsWith(\"META-INF\"))",
                "      names.add(n.substring(0, n.length() - 6).replace('/', '.')); } }",
                "  URLClassLoader l = new URLClassLoader(new URL[] {new java.io.File(a[0]).toURI().toURL()}, null);",
                "  com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();",
                "  long cpu = os.getProcessCpuTime(); long t = System.nanoTime(); int n = 0;",
                "  for (String c : names) { try { Class.forName(c, false, l); n++; } catch (Throwable e) { } }",
                "  System.out.println((System.nanoTime() - t) + \" \" + (os.getProcessCpuTime() - cpu) + \" \" + n); } }"));
        Files.writeString(work.resolve("LockedMain.java"), String.join("\n",
                "public class LockedMain { static final Object GATE = new Object();",
                "  public static void main(String[] a) throws Exception {",
                "    java.time.Instant t = java.time.Instant.now();",
                "    System.out.println(t.getEpochSecond() * 1_000_000_000L + t.getNano());",
                "    synchronized (GATE) { if (a.length > 0) new ProcessBuilder(\"true\").start().waitFor(); } } }"));
        System.out.printf(Locale.ROOT, "%-22s %-18s %14s %14s %10s %12s%n", "jdk", "arm", "load ms", "load CPU ms",
                "classes", "to main ms");
        for (String home : homes) {
            String java = home + "/bin/java";
            Path classes = work.resolve(home.replaceAll(".*/", ""));
            run(List.of(home + "/bin/javac", "-d", classes.toString(), work.resolve("LoadAll.java").toString(),
                    work.resolve("LockedMain.java").toString()));
            String[] names = {"plain", "agent without pass", "agent with pass"};
            List<List<String>> prefix = List.of(List.of(java),
                    List.of(java, "-javaagent:" + without + "=log=off"),
                    List.of(java, "-javaagent:" + with + "=log=off"));
            List<List<Long>> load = new ArrayList<>();
            List<List<Long>> cpu = new ArrayList<>();
            List<List<Long>> toMain = new ArrayList<>();
            long[] loaded = new long[3];
            for (int i = 0; i < 3; i++) {
                load.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
                toMain.add(new ArrayList<>());
            }
            for (int r = 0; r < runs; r++) {
                for (int arm = 0; arm < 3; arm++) {
                    List<String> c = new ArrayList<>(prefix.get(arm));
                    c.addAll(List.of("-cp", classes.toString(), "LoadAll", jar.toString()));
                    String[] out = run(c).trim().split(" ");
                    load.get(arm).add(Long.parseLong(out[0]));
                    cpu.get(arm).add(Long.parseLong(out[1]));
                    loaded[arm] = Long.parseLong(out[2]);
                    List<String> m = new ArrayList<>(prefix.get(arm));
                    m.addAll(List.of("-cp", classes.toString(), "LockedMain"));
                    Instant before = Instant.now();
                    long started = before.getEpochSecond() * 1_000_000_000L + before.getNano();
                    toMain.get(arm).add(Long.parseLong(run(m).trim()) - started);
                }
            }
            for (int arm = 0; arm < 3; arm++) {
                System.out.printf(Locale.ROOT, "%-22s %-18s %14.1f %14.1f %10d %12.1f%n", home.replaceAll(".*/", ""),
                        names[arm], median(load.get(arm)) / 1e6, median(cpu.get(arm)) / 1e6, loaded[arm],
                        median(toMain.get(arm)) / 1e6);
            }
            System.out.printf(Locale.ROOT, "%-22s %-18s %14.1f %14.1f %10s %12.1f  (pass minus no pass)%n", "", "difference",
                    (median(load.get(2)) - median(load.get(1))) / 1e6, (median(cpu.get(2)) - median(cpu.get(1))) / 1e6,
                    "", (median(toMain.get(2)) - median(toMain.get(1))) / 1e6);
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
        return out;
    }
}
