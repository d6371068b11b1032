package io.spawnlock.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Durations as users write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1.5s}, {@code 1h}. */
public final class Durations {
    private Durations() {}

    /** @return the duration in nanoseconds; a unit is required, because a bare number is ambiguous */
    public static long parseNanos(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int unitAt = 0;
        while (unitAt < s.length() && (Character.isDigit(s.charAt(unitAt)) || s.charAt(unitAt) == '.')) {
            unitAt++;
        }
        if (unitAt == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 250ms, 5s, 2m)");
        }
        String unit = s.substring(unitAt);
        long nanosPerUnit;
        switch (unit) {
            case "ns": nanosPerUnit = 1L; break;
            case "us": nanosPerUnit = TimeUnit.MICROSECONDS.toNanos(1); break;
            case "ms": nanosPerUnit = TimeUnit.MILLISECONDS.toNanos(1); break;
            case "s": nanosPerUnit = TimeUnit.SECONDS.toNanos(1); break;
            case "m": nanosPerUnit = TimeUnit.MINUTES.toNanos(1); break;
            case "h": nanosPerUnit = TimeUnit.HOURS.toNanos(1); break;
            case "":
                throw new IllegalArgumentException("'" + text + "' needs a unit (ns, us, ms, s, m, h), e.g. 250ms or 5s");
            default:
                throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
                        + "' (use ns, us, ms, s, m or h)");
        }
        BigDecimal nanos;
        try {
            nanos = new BigDecimal(s.substring(0, unitAt)).multiply(BigDecimal.valueOf(nanosPerUnit));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 250ms, 5s, 2m)");
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long");
        }
        return nanos.longValue();
    }

    /** Short form for messages and headers: 250ms, 5s, 2m, 1h. */
    public static String format(long nanos) {
        if (nanos != 0 && nanos % TimeUnit.HOURS.toNanos(1) == 0) {
            return nanos / TimeUnit.HOURS.toNanos(1) + "h";
        }
        if (nanos != 0 && nanos % TimeUnit.MINUTES.toNanos(1) == 0) {
            return nanos / TimeUnit.MINUTES.toNanos(1) + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }
}
