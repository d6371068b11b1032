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
