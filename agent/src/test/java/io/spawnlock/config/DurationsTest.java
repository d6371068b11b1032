package io.spawnlock.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsEveryUnit() {
        assertEquals(7L, Durations.parseNanos("7ns"));
        assertEquals(3_000L, Durations.parseNanos("3us"));
        assertEquals(250_000_000L, Durations.parseNanos("250ms"));
        assertEquals(5_000_000_000L, Durations.parseNanos("5s"));
        assertEquals(1_500_000_000L, Durations.parseNanos("1.5s"));
        assertEquals(120_000_000_000L, Durations.parseNanos("2m"));
        assertEquals(3_600_000_000_000L, Durations.parseNanos("1H"));
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("5"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("-5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("1.2.3s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("5 weeks"));
    }

    @Test
    void formatsShort() {
        assertEquals("5s", Durations.format(5_000_000_000L));
        assertEquals("250ms", Durations.format(250_000_000L));
        assertEquals("3us", Durations.format(3_000L));
        assertEquals("7ns", Durations.format(7L));
        assertEquals("2m", Durations.format(120_000_000_000L));
        assertEquals("1h", Durations.format(3_600_000_000_000L));
        assertEquals("90s", Durations.format(90_000_000_000L));
    }
}
