package io.spawnlock.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class AcceptPathsTest {
    @Test
    void wakeupsSpreadOverConnectionsKeepTheirExactSum() {
        Recording recording = new Recording();
        TagRecorder tag = recording.tag("accept.wakeups.1");
        AcceptPaths.spread(tag, 1_207, 300); // 4.02 per connection
        List<Histogram> taken = new ArrayList<>();
        recording.takeIntervals(h -> taken.add(h.copy()));
        Histogram h = taken.get(0);
        assertEquals(300, h.getTotalCount());
        assertEquals(1_207, Math.round(h.getMean() * h.getTotalCount()));
        assertEquals(4, h.getMinValue());
        assertEquals(5, h.getMaxValue());
    }
}
