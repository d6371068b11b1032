package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Values as a person reads them: never an exponent, always the value within its three digits' rounding. */
class UnitsTest {
    private static final Pattern SHOWN = Pattern.compile("(-?[0-9]+(?:\\.[0-9]+)?)(ns|µs|ms|s|B|KiB|MiB|GiB)");

    private static double factor(String unit) {
        switch (unit) {
            case "ns": case "B": return 1;
            case "µs": return 1e3;
            case "ms": return 1e6;
            case "s": return 1e9;
            case "KiB": return 1024;
            case "MiB": return 1024.0 * 1024;
            default: return 1024.0 * 1024 * 1024;
        }
    }

    /** The formatting before values that round up to 1000 moved to the next unit: the same wherever it had no exponent. */
    private static String before(double v, boolean bytes) {
        if (bytes) {
            return v < 1024 ? String.format(Locale.ROOT, "%.0fB", v)
                    : v < 1024 * 1024 ? String.format(Locale.ROOT, "%.3gKiB", v / 1024)
                    : v < 1024.0 * 1024 * 1024 ? String.format(Locale.ROOT, "%.3gMiB", v / (1024 * 1024))
                    : String.format(Locale.ROOT, "%.3gGiB", v / (1024.0 * 1024 * 1024));
        }
        return v < 1_000 ? String.format(Locale.ROOT, "%.0fns", v)
                : v < 1_000_000 ? String.format(Locale.ROOT, "%.3gµs", v / 1e3)
                : v < 1_000_000_000 ? String.format(Locale.ROOT, "%.3gms", v / 1e6)
                : String.format(Locale.ROOT, "%.3gs", v / 1e9);
    }

    private static void check(double v, String shown, boolean bytes) {
        Matcher m = SHOWN.matcher(shown);
        assertTrue(m.matches(), v + " shown as " + shown);
        double read = Double.parseDouble(m.group(1)) * factor(m.group(2));
        double tolerance = Math.max(0.5, v * 0.005) * 1.0000001;
        assertEquals(v, read, tolerance, v + " shown as " + shown);
        boolean firstOrLast = m.group(2).equals("ns") || m.group(2).equals("B") || m.group(2).equals("s")
                || m.group(2).equals("GiB");
        assertTrue(firstOrLast || Double.parseDouble(m.group(1)) < 1000, v + " shown as " + shown);
        String old = before(v, bytes);
        if (!old.contains("e")) {
            assertEquals(old, shown, "unchanged where it read well: " + v);
        }
    }

    @Test
    void noValueShowsWithAnExponentAndEachReadsBackWithinItsRounding() {
        for (double v = 1; v < 5e13; v *= 1.0007) {
            check(v, Units.nanos(v), false);
            check(v, Units.bytes(v), true);
        }
        for (double edge : new double[] {999.4, 999.5, 999.6, 999_499, 999_500, 999_999, 999_500_000, 1_023_999,
                                         1_023_488, 1_048_063_590}) {
            check(edge, Units.nanos(edge), false);
            check(edge, Units.bytes(edge), true);
        }
        assertEquals("1.00ms", Units.nanos(999_500));
        assertEquals("999µs", Units.nanos(999_400));
        assertEquals("1.00s", Units.nanos(999_500_000));
        assertEquals("1500s", Units.nanos(1.5e12));
        assertEquals("0.977MiB", Units.bytes(1000 * 1024));
        assertFalse(Units.of(1_000 * 1024, Unit.BYTES).contains("e"));
    }
}
