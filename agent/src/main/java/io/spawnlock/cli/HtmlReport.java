package io.spawnlock.cli;

import io.spawnlock.doctor.Herds;
import io.spawnlock.doctor.SpawnBreakdown;
import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Unit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * {@code report --format html}: one self-contained page (uPlot and the data inlined, nothing fetched) with,
 * per tag, the percentile distribution on a 1/(1-p) axis and p50/p99/max over time, and spawn latency next
 * to the spawn locks' waits over time. Memory is bounded: each tag's time series is halved (keeping the
 * highest value of each pair) whenever it passes {@link #MAX_POINTS} points.
 */
final class HtmlReport implements LogQuery.Sink {
    static final int MAX_POINTS = 2000;
    private static final String RESOURCES = "/io/spawnlock/cli/html/";

    private final List<String> files;
    private final Map<String, Histogram> totals = new LinkedHashMap<>();
    private final Map<String, Series> series = new LinkedHashMap<>();

    HtmlReport(List<String> files) {
        this.files = files;
    }

    @Override
    public void interval(LogReader.Interval i, long offsetMillis) throws LogReader.BadLog {
        i.addTo(totals.computeIfAbsent(i.tag, t -> new Histogram(2)));
        series.computeIfAbsent(i.tag, t -> new Series()).add(i.startMillis / 1000.0, i.counts);
    }

    /** p50, p99 and max per point; a point covers {@code width} intervals and keeps the highest of each. */
    static final class Series {
        double[] time = new double[64];
        double[][] values = new double[3][64];
        int size;
        int width = 1;
        private int pending;

        void add(double seconds, Counts h) {
            double p50 = h.valueAtPercentile(50);
            double p99 = h.valueAtPercentile(99);
            double max = h.maxValue();
            if (pending > 0) {
                int last = size - 1;
                values[0][last] = Math.max(values[0][last], p50);
                values[1][last] = Math.max(values[1][last], p99);
                values[2][last] = Math.max(values[2][last], max);
            } else {
                if (size == time.length) {
                    time = Arrays.copyOf(time, size * 2);
                    for (int k = 0; k < 3; k++) {
                        values[k] = Arrays.copyOf(values[k], size * 2);
                    }
                }
                time[size] = seconds;
                values[0][size] = p50;
                values[1][size] = p99;
                values[2][size] = max;
                size++;
            }
            pending = (pending + 1) % width;
            if (size > MAX_POINTS && pending == 0) {
                halve();
            }
        }

        /** Puts the points in time order (logs are read one after the other: hosts overlap in time). */
        void sortByTime() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(time[a], time[b]));
            double[] t = new double[size];
            double[][] v = new double[3][size];
            for (int i = 0; i < size; i++) {
                t[i] = time[order[i]];
                for (int k = 0; k < 3; k++) {
                    v[k][i] = values[k][order[i]];
                }
            }
            time = t;
            values = v;
        }

        private void halve() {
            int half = size / 2;
            for (int j = 0; j < half; j++) {
                time[j] = time[2 * j];
                for (int k = 0; k < 3; k++) {
                    values[k][j] = Math.max(values[k][2 * j], values[k][2 * j + 1]);
                }
            }
            if (size % 2 == 1) {
                time[half] = time[size - 1];
                for (int k = 0; k < 3; k++) {
                    values[k][half] = values[k][size - 1];
                }
                half++;
            }
            size = half;
            width *= 2;
        }
    }

    void write(PrintStream out) {
        for (Series s : series.values()) {
            s.sortByTime();
        }
        StringBuilder data = new StringBuilder(4096);
        data.append("{\"files\":");
        strings(data, files);
        data.append(",\"tags\":[");
        boolean first = true;
        for (Map.Entry<String, Histogram> e : totals.entrySet()) {
            if (!first) {
                data.append(',');
            }
            first = false;
            tag(data, e.getKey(), e.getValue(), series.get(e.getKey()));
        }
        data.append("],\"overview\":");
        overview(data);
        diagnosis(data);
        glossary(data);
        data.append('}');

        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>spawnlock report</title>");
        out.println("<style>" + resource("uPlot.min.css") + "</style>");
        out.println("<style>" + ownResource("report.css") + "</style>");
        out.println("</head><body>");
        out.println("<h1>spawnlock report</h1><p id=\"files\"></p><table id=\"summary\"></table>"
                + "<section id=\"diagnosis\"></section><h2>What the tags mean</h2><table id=\"glossary\"></table>"
                + "<div id=\"charts\"></div>");
        // "<" is escaped in the data, so nothing in a tag or file name can end this script element
        out.println("<script type=\"application/json\" id=\"data\">" + data + "</script>");
        out.println("<script>" + resource("uPlot.iife.min.js") + "</script>");
        out.println("<script>" + ownResource("report.js") + "</script>");
        out.println("</body></html>");
    }

    private static void tag(StringBuilder data, String tag, Histogram h, Series s) {
        Unit unit = Tags.unitOf(tag);
        double scale = unit.scale; // times in milliseconds, memory in MiB
        data.append("{\"name\":");
        string(data, tag);
        data.append(",\"unit\":\"").append(unit.scaled).append("\",\"count\":").append(h.getTotalCount());
        data.append(",\"stats\":[");
        double[] stats = {h.getMinValue(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean()};
        for (int i = 0; i < stats.length; i++) {
            data.append(i == 0 ? "" : ",").append(number(stats[i] / scale));
        }
        data.append("],\"distribution\":[[");
        List<double[]> points = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            if (p >= 100) {
                break;
            }
            points.add(new double[] {1 / (1 - p / 100), v.getValueIteratedTo() / scale});
        }
        for (int i = 0; i < points.size(); i++) {
            data.append(i == 0 ? "" : ",").append(number(points.get(i)[0]));
        }
        data.append("],[");
        for (int i = 0; i < points.size(); i++) {
            data.append(i == 0 ? "" : ",").append(number(points.get(i)[1]));
        }
        data.append("]],\"series\":[");
        seconds(data, s.time, s.size);
        for (int k = 0; k < 3; k++) {
            data.append(',');
            array(data, s.values[k], s.size, scale);
        }
        data.append("],\"pointWidth\":").append(s.width).append('}');
    }

    /** spawn p99 and every lock wait's p99 on one time axis (null where a tag has no point). */
    private void overview(StringBuilder data) {
        List<String> names = new ArrayList<>();
        for (String tag : series.keySet()) {
            if (tag.equals(Tags.SPAWN) || tag.startsWith(Tags.LOCK_WAIT)) {
                names.add(tag);
            }
        }
        TreeSet<Double> times = new TreeSet<>();
        for (String n : names) {
            Series s = series.get(n);
            for (int i = 0; i < s.size; i++) {
                times.add(s.time[i]);
            }
        }
        data.append("{\"names\":");
        strings(data, names);
        data.append(",\"data\":[[");
        boolean first = true;
        for (double t : times) {
            data.append(first ? "" : ",").append(String.format(Locale.ROOT, "%.3f", t));
            first = false;
        }
        data.append(']');
        for (String n : names) {
            Series s = series.get(n);
            Map<Double, Double> byTime = new LinkedHashMap<>();
            for (int i = 0; i < s.size; i++) {
                byTime.put(s.time[i], s.values[1][i] / 1e6);
            }
            data.append(",[");
            first = true;
            for (double t : times) {
                Double v = byTime.get(t);
                data.append(first ? "" : ",").append(v == null ? "null" : number(v));
                first = false;
            }
            data.append(']');
        }
        data.append("]}");
    }

    /**
     * Where a spawn's time goes and why, as {@code report} prints it ({@link SpawnBreakdown}: one text for
     * report, dumps, doctor and this page), and the herds; null parts when the logs hold no spawn with its CPU.
     */
    private void diagnosis(StringBuilder data) {
        SpawnBreakdown breakdown = SpawnBreakdown.of(totals);
        List<String> lines = new ArrayList<>(breakdown == null ? List.of() : breakdown.lines());
        lines.addAll(Herds.lines(totals));
        data.append(",\"verdict\":");
        if (breakdown == null) {
            data.append("null");
        } else {
            string(data, breakdown.verdict());
        }
        data.append(",\"diagnosis\":");
        strings(data, lines);
    }

    /** The meaning of each tag shown, once per family ({@code lock.wait.<lock>} for every lock's). */
    private void glossary(StringBuilder data) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (String tag : totals.keySet()) {
            String meaning = Tags.meaning(tag);
            if (meaning != null) {
                shown.putIfAbsent(Tags.familyLabel(tag), meaning + " (" + Tags.unitOf(tag).scaled + ")");
            }
        }
        data.append(",\"glossary\":[");
        boolean first = true;
        for (Map.Entry<String, String> e : shown.entrySet()) {
            data.append(first ? "[" : ",[");
            first = false;
            string(data, e.getKey());
            data.append(',');
            string(data, e.getValue());
            data.append(']');
        }
        data.append(']');
    }

    /** Epoch seconds with their milliseconds: {@link #number}'s six digits would merge a day's points. */
    private static void seconds(StringBuilder data, double[] values, int size) {
        data.append('[');
        for (int i = 0; i < size; i++) {
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", values[i]));
        }
        data.append(']');
    }

    private static void array(StringBuilder data, double[] values, int size, double scale) {
        data.append('[');
        for (int i = 0; i < size; i++) {
            data.append(i == 0 ? "" : ",").append(number(values[i] / scale));
        }
        data.append(']');
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    private static void strings(StringBuilder data, List<String> values) {
        data.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                data.append(',');
            }
            string(data, values.get(i));
        }
        data.append(']');
    }

    /** A JSON string that is also safe inside a script element and an HTML attribute. */
    static void string(StringBuilder data, String s) {
        data.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                data.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                data.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                data.append(c);
            }
        }
        data.append('"');
    }

    /**
     * The page's own style or script (agent/src/main/html: it builds the page from the inlined data with
     * uPlot, and marks the body with the charts drawn, for tests), without the file's last line end.
     */
    private static String ownResource(String name) {
        String text = resource(name);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the agent jar lacks " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
