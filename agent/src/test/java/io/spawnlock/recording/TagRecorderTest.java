package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TagRecorderTest {
    private final Recording recording = new Recording();
    private final TagRecorder tag = recording.tag("lock.queue.x");

    @Test
    void drainedZerosAndRecordedValuesAllReachTheIntervalAndTheTotals() {
        assertEquals(true, recording.tryBeginDrain());
        try {
            for (int i = 0; i < 1000; i++) {
                tag.recordDrained(0);
            }
            tag.recordDrained(-5); // a clock that stepped back counts as zero, as record() clamps it
            tag.recordDrained(3);
            tag.recordDrained(3);
        } finally {
            recording.endDrain();
        }
        tag.record(0);
        tag.record(7);

        Histogram first = tag.takeInterval();
        assertEquals(1005, first.getTotalCount());
        assertEquals(1002, first.getCountAtValue(0));
        assertEquals(2, first.getCountAtValue(3));
        assertEquals(1, first.getCountAtValue(7));
        assertEquals("lock.queue.x", first.getTag());

        Histogram second = tag.takeInterval();
        assertEquals(0, second.getTotalCount(), "zeros counted once are not carried into the next interval");

        tag.recordDrained(0);
        assertEquals(1, tag.takeInterval().getCountAtValue(0));
        assertEquals(1003, tag.sinceStart().getCountAtValue(0));
        assertEquals(1006, tag.sinceStart().getTotalCount());
    }
}
