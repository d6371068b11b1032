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
        if (ns < 1_000) {
            return String.format(Locale.ROOT, "%.0fns", ns);
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.3gµs", ns / 1e3);
        }
        if (ns < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3gms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3gs", ns / 1e9);
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
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0fB", bytes);
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.3gKiB", bytes / 1024);
        }
        if (bytes < 1024.0 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.3gMiB", bytes / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.3gGiB", bytes / (1024.0 * 1024 * 1024));
    }
}
