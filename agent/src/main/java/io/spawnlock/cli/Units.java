package io.spawnlock.cli;

import java.util.Locale;

/** Nanoseconds as a person reads them: 850ns, 12.3µs, 1.24ms, 2.41s. */
public final class Units {
    private Units() {}

    /** A count as a plain number (one decimal for a mean), a time as {@link #nanos}. */
    public static String of(double value, boolean isCount) {
        if (!isCount) {
            return nanos(value);
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
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
}
