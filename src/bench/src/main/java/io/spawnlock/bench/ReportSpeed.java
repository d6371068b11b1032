package io.spawnlock.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * {@code report} against HdrHistogram's {@code HistogramLogProcessor} on the same generated log: 24 hours
 * of 1-second intervals, 10 tags (864,000 interval lines), values like spawn and lock times. Each tool runs
 * in its own JVM, alternately, and the medians are printed as a Markdown table.
 *
 * <p>Usage: {@code ReportSpeed <agent jar> <HdrHistogram jar> <work dir> <rounds>}
 */
public final class ReportSpeed {
    static final int SECONDS = 24 * 3600;
    static final int TAGS = 10;

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ReportSpeed <agent jar> <HdrHistogram jar> <work dir> <rounds>");
            System.exit(2);
        }
        String agent = Paths.get(args[0]).toAbsolutePath().toString();
        String hdr = Paths.get(args[1]).toAbsolutePath().toString();
        Path dir = Files.createDirectories(Paths.get(args[2]));
        int rounds = Integer.parseInt(args[3]);
        Path log = dir.resolve("day-10-tags.hlog");
        if (!Files.exists(log)) {
            long t0 = System.nanoTime();
            generate(log);
            System.out.printf("generated %s (%d MB) in %.1f s%n", log, Files.size(log) >> 20, (System.nanoTime() - t0) / 1e9);
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<Double> report = new ArrayList<>();
        List<Double> series = new ArrayList<>();
        List<Double> processorOneTag = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            report.add(time(dir, java, "-jar", agent, "report", log.toString()));
            series.add(time(dir, java, "-jar", agent, "report", "--intervals", log.toString()));
            processorOneTag.add(time(dir, java, "-cp", hdr, "org.HdrHistogram.HistogramLogProcessor",
                    "-i", log.toString(), "-tag", "tag0", "-o", dir.resolve("hlp").toString()));
        }
        System.out.println();
        System.out.println("Medians of " + rounds + " alternating runs, " + Files.size(log) / (1 << 20) + " MB log:");
        System.out.println("| tool | what it does | wall time |");
        System.out.println("|---|---|---|");
        System.out.printf("| `report` | all 10 tags: totals and percentiles | %.1f s |%n", median(report));
        System.out.printf("| `report --intervals` | the time series: one row per interval and tag (864,000 rows) | %.1f s |%n",
                median(series));
        System.out.printf("| `HistogramLogProcessor -tag tag0` | one tag: per-interval lines and the total distribution | %.1f s |%n",
                median(processorOneTag));
        System.out.printf("| `HistogramLogProcessor`, all 10 tags (10 runs, one per tag, estimated) | | %.1f s |%n",
                10 * median(processorOneTag));
    }

    /** A day of 1 s intervals for tags tag0..tag9: log-normal-ish values around 2 ms, 50 per interval. */
    static void generate(Path log) throws IOException {
        Random random = new Random(42);
        long start = 1_800_000_000_000L;
        try (PrintStream out = new PrintStream(Files.newOutputStream(log), false, "UTF-8")) {
            HistogramLogWriter w = new HistogramLogWriter(out);
            w.outputLogFormatVersion();
            w.outputStartTime(start);
            w.setBaseTime(start);
            w.outputBaseTime(start);
            w.outputLegend();
            Histogram h = new Histogram(TimeUnit.HOURS.toNanos(1), 2);
            for (int s = 0; s < SECONDS; s++) {
                for (int t = 0; t < TAGS; t++) {
                    h.reset();
                    for (int i = 0; i < 50; i++) {
                        h.recordValue((long) (2_000_000 * Math.exp(random.nextGaussian())));
                    }
                    h.setTag("tag" + t);
                    h.setStartTimeStamp(start + s * 1000L);
                    h.setEndTimeStamp(start + s * 1000L + 1000);
                    w.outputIntervalHistogram(h);
                }
            }
        }
    }

    private static double time(Path dir, String... command) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(Arrays.toString(command) + " exited " + exit + ": "
                    + Files.readString(dir.resolve("err.txt")));
        }
        System.out.printf("%.1f s  %s%n", seconds, String.join(" ", command));
        return seconds;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
