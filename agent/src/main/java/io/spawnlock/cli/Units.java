package io.spawnlock.cli;

import java.util.Locale;

/** Nanoseconds as a person reads them: 850ns, 12.3µs, 1.24ms, 2.41s. */
final class Units {
    private Units() {}

    static String nanos(double ns) {
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
