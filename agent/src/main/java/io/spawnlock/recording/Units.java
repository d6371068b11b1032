package io.spawnlock.recording;

import java.util.Locale;

/** Values as a person reads them: 850ns, 12.3µs, 1.24ms, 2.41s; 17; 512MiB, 8.21GiB. */
public final class Units {
    private Units() {}

    public static String of(double value, Unit unit) {
        switch (unit) {
            case COUNT:
                return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
            case BYTES:
                return bytes(value);
            default:
                return nanos(value);
        }
    }

    public static String nanos(double ns) {
        return scaled(ns, 1000, TIME_UNITS);
    }

    private static final String[] TIME_UNITS = {"ns", "µs", "ms", "s"};
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB"};

    /**
     * {@code value} in the first unit (each {@code step} times the one before) where it shows with three
     * significant digits below 1000: a value that rounds up to 1000 moves to the next unit (999.5µs is
     * 1.00ms, never 1.00e+03µs); the first unit, below one {@code step}, has no decimals, the last as many
     * digits as it needs.
     */
    private static String scaled(double value, double step, String[] units) {
        if (Math.abs(value) < step) {
            return String.format(Locale.ROOT, "%.0f%s", value, units[0]);
        }
        double v = value;
        for (int i = 1; i < units.length; i++) {
            v /= step;
            if (Math.abs(v) < 999.5) {
                return String.format(Locale.ROOT, "%.3g%s", v, units[i]);
            }
        }
        return String.format(Locale.ROOT, "%.0f%s", v, units[units.length - 1]);
    }

    /**
     * Appends {@code value / unit} with {@code decimals} places, rounded half up, as {@code %.Nf} prints it
     * (a negative value keeps its sign, {@code -0.0} included), with integer arithmetic alone: no Formatter
     * and no locale data. {@code unit} must be a multiple of 10^decimals (1000 for milliseconds as seconds).
     */
    public static StringBuilder fixed(StringBuilder out, long value, long unit, int decimals) {
        long scale = 1;
        for (int i = 0; i < decimals; i++) {
            scale *= 10;
        }
        long per = unit / scale;
        long rounded = (Math.abs(value) + per / 2) / per;
        if (value < 0) {
            out.append('-');
        }
        out.append(rounded / scale);
        if (decimals > 0) {
            out.append('.');
            String fraction = Long.toString(rounded % scale);
            for (int i = fraction.length(); i < decimals; i++) {
                out.append('0');
            }
            out.append(fraction);
        }
        return out;
    }

    public static String bytes(double bytes) {
        return scaled(bytes, 1024, BYTE_UNITS);
    }
}
