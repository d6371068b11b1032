package io.spawnlock.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HerdsTest {
    private final Map<String, Histogram> tags = new LinkedHashMap<>();

    private void record(String tag, long value, long count) {
        tags.computeIfAbsent(tag, t -> new Histogram(2)).recordValueWithCount(value, count);
    }

    @Test
    void aChannelOnFourSelectorsIsNamedWithItsFix() {
        record("accept.selectors.8080", 4, 300);
        record("accept.null.8080", 4, 90);
        record("accept.wakeups.8080", 4, 270);
        record("accept.wakeups.8080", 3, 30);
        List<String> lines = Herds.lines(tags);
        assertEquals("Accept paths, per listening port:", lines.get(0));
        assertEquals("  port 8080: 300 connections, its channel registered with 4 selectors; 3.9 wakeups of its"
                + " accepting threads per connection; 0.30 accepts per connection found nothing (a lower bound)", lines.get(1));
        assertTrue(lines.get(2).startsWith("  Herd on port 8080: every connection wakes the threads of all 4 selectors"), lines.get(2));
        assertTrue(lines.get(2).contains("SO_REUSEPORT"), lines.get(2));
    }

    @Test
    void oneSelectorPerChannelIsNoHerdWhateverTheNulls() {
        record("accept.selectors.8080", 1, 300);
        record("accept.wakeups.8080", 1, 300);
        assertFalse(Herds.acceptHerd("8080", tags));
        assertEquals(2, Herds.lines(tags).size(), Herds.lines(tags).toString());
    }

    @Test
    void broadcastsThatMostlyWakeForNothingAreAHerdButOneAtShutdownIsNot() {
        record("lock.broadcast.com.acme.Jobs.queue", 4, 100);
        record("lock.futile.com.acme.Jobs.queue", 3_000, 280);
        assertTrue(Herds.broadcastHerd("com.acme.Jobs.queue", tags));
        List<String> lines = Herds.lines(tags);
        assertEquals("Waits under spawn locks:", lines.get(0));
        assertTrue(lines.get(1).startsWith("  com.acme.Jobs.queue: 100 notifyAll/signalAll moved 4.0 waiters each; 280 futile"
                + " wakeups (2.8 per broadcast, "), lines.get(1));
        assertTrue(lines.get(2).contains("notify()/signal()"), lines.get(2));

        tags.clear();
        record("lock.broadcast.com.acme.Jobs.queue", 4, 1);
        record("lock.futile.com.acme.Jobs.queue", 3_000, 3);
        assertFalse(Herds.broadcastHerd("com.acme.Jobs.queue", tags));
    }

    @Test
    void noAcceptOrBroadcastTagsNoLines() {
        record("spawn", 1_000_000, 10);
        assertEquals(List.of(), Herds.lines(tags));
    }
}
