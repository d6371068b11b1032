import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scaling curve of Go's ForkLock story, measured by our own agent and read by our own {@code report}: spawn latency
 * against the touched heap (0, 2, 8 GiB) for FORK and POSIX_SPAWN on each JDK. Prints a table and writes
 * the chart as SVG.
 *
 * <p>Run from the repository root after a build:
 * {@code java src/bench/ScalingCurve.java [spawns] [svg-out] [java-home...]} (defaults: 20 spawns per point,
 * docs/scaling.svg, JDK 17 and 25). Needs about 11 GiB of free memory for the 8 GiB point (the heap is the touched size + 2 GiB: G1 regions).
 */
public class ScalingCurve {
    private static final int[] HEAPS_GIB = {0, 2, 8};
    private static final String[] MECHANISMS = {"FORK", "POSIX_SPAWN"};

    public static void main(String[] args) throws Exception {
        int spawns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path svg = Paths.get(args.length > 1 ? args[1] : "docs/scaling.svg");
        List<String> homes = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64");
        Path agent = Paths.get("agent/target/spawnlock-agent.jar").toAbsolutePath();
        Path sample = Paths.get("sample-app/target/spawnlock-sample.jar").toAbsolutePath();
        Path work = Files.createTempDirectory("spawnlock-scaling");
        Map<String, double[]> p50 = new LinkedHashMap<>(); // series -> p50 ms per heap
        System.out.printf(Locale.ROOT, "%-4s %-12s %5s %10s %10s %12s %12s%n", "jdk", "mechanism", "GiB", "p50 ms", "p99 ms",
                "cpu p50 ms", "child p50 ms");
        for (String home : homes) {
            String major = version(home);
            for (String mechanism : MECHANISMS) {
                double[] series = new double[HEAPS_GIB.length];
                for (int i = 0; i < HEAPS_GIB.length; i++) {
                    int gib = HEAPS_GIB[i];
                    Path log = work.resolve(major + "-" + mechanism + "-" + gib + ".hlog");
                    List<String> command = new ArrayList<>(List.of(home + "/bin/java", "-Xms" + (gib + 2) + "g",
                            "-Xmx" + (gib + 2) + "g", "-Djdk.lang.Process.launchMechanism=" + mechanism,
                            "-javaagent:" + agent + "=log=" + log, "-jar", sample.toString(), "--threads", "1",
                            "--spawns", Integer.toString(spawns), "--lock", "none"));
                    if (gib > 0) {
                        command.addAll(List.of("--heap-gib", Integer.toString(gib)));
                    }
                    run(command, work);
                    Map<String, String[]> rows = report(home, agent, log, work);
                    series[i] = Double.parseDouble(rows.get("spawn")[4]) / 1e6;
                    System.out.printf(Locale.ROOT, "%-4s %-12s %5d %10.2f %10.2f %12.2f %12.2f%n", major, mechanism, gib,
                            series[i], Double.parseDouble(rows.get("spawn")[6]) / 1e6, ms(rows, "spawn.cpu", 4), ms(rows, "spawn.child", 4));
                }
                p50.put("JDK " + major + " " + mechanism, series);
            }
        }
        Files.writeString(svg, chart(p50));
        System.out.println("chart: " + svg);
    }

    private static double ms(Map<String, String[]> rows, String tag, int column) {
        String[] row = rows.get(tag);
        return row == null ? Double.NaN : Double.parseDouble(row[column]) / 1e6;
    }

    /** Our own report, CSV: tag,unit,count,min,p50,p90,p99,p99.9,max,mean. */
    private static Map<String, String[]> report(String home, Path agent, Path log, Path work) throws Exception {
        String csv = run(List.of(home + "/bin/java", "-jar", agent.toString(), "report", "--format", "csv", log.toString()), work);
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            rows.put(f[0], f);
        }
        return rows;
    }

    private static String run(List<String> command, Path work) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command + "\n" + out);
        }
        return out;
    }

    private static String version(String home) throws IOException {
        for (String line : Files.readAllLines(Paths.get(home, "release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                return line.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.+-]")[0];
            }
        }
        return "?";
    }

    /** A line chart: x the touched heap, y the spawn p50 in ms, one line per JDK and mechanism. */
    private static String chart(Map<String, double[]> series) {
        int w = 640, h = 400, left = 60, right = 200, top = 30, bottom = 50;
        double maxY = 0;
        for (double[] s : series.values()) {
            for (double v : s) {
                maxY = Math.max(maxY, v);
            }
        }
        maxY = Math.ceil(maxY / 50) * 50;
        String[] colors = {"#d62728", "#1f77b4", "#ff7f0e", "#2ca02c"};
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">spawn p50 against touched heap"
                + " (recorded by spawnlock)</text>%n", left));
        int plotW = w - left - right, plotH = h - top - bottom;
        for (int t = 0; t <= 5; t++) {
            double v = maxY * t / 5;
            double y = top + plotH - plotH * t / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f ms</text>%n", left, y, left + plotW, y, left - 6, y + 4, v));
        }
        for (int i = 0; i < HEAPS_GIB.length; i++) {
            double x = left + plotW * HEAPS_GIB[i] / 8.0;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d GiB</text>%n", x,
                    top + plotH + 18, HEAPS_GIB[i]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">touched heap</text>%n",
                left + plotW / 2, h - 10));
        int c = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < HEAPS_GIB.length; i++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plotW * HEAPS_GIB[i] / 8.0,
                        top + plotH - plotH * e.getValue()[i] / maxY));
            }
            String color = colors[c % colors.length];
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().trim(), color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", left + plotW + 12,
                    top + 20 + 18 * c, color, e.getKey()));
            c++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }
}
