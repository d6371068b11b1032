package io.spawnlock.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.os.ThreadUsage;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.Tags;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spawn part at its boundary with the probe: what the probe hands over (its calls around the native part,
 * then the spawn once, complete) becomes the spawn tags, against a CPU source whose readings the test scripts.
 */
class SpawnRecorderTest {
    private final Recording recording = new Recording();
    private final SpawnRecorder recorder = new SpawnRecorder(recording, new SpawnLocks(recording), null);

    /** A CPU source that answers the readings it is given, in order: {cpu, system, minor faults, switches}. */
    private static final class Scripted extends ThreadUsage {
        final Deque<long[]> readings = new ArrayDeque<>();
        final boolean detailed;

        Scripted(boolean detailed, long[]... readings) {
            this.detailed = detailed;
            for (long[] r : readings) {
                this.readings.add(r);
            }
        }

        @Override
        public boolean read(long[] out, int at) {
            long[] r = readings.poll();
            if (r == null) {
                return false;
            }
            System.arraycopy(r, 0, out, at, FIELDS);
            return true;
        }

        @Override
        public boolean detailed() {
            return detailed;
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    @AfterEach
    void detach() {
        SpawnProbe.setListener(null);
    }

    private Map<String, Histogram> interval() {
        Map<String, Histogram> byTag = new HashMap<>();
        recording.takeIntervals(h -> byTag.put(h.getTag(), h.copy()));
        return byTag;
    }

    private static long count(Map<String, Histogram> tags, String tag) {
        Histogram h = tags.get(tag);
        return h == null ? 0 : h.getTotalCount();
    }

    /** The one value of {@code tag} in this interval equals {@code expected}, at the histogram's precision. */
    private static void assertOne(Map<String, Histogram> tags, String tag, long expected) {
        Histogram h = tags.get(tag);
        assertEquals(1, h.getTotalCount(), tag);
        assertTrue(h.valuesAreEquivalent(expected, h.getMaxValue()), tag + ": " + h.getMaxValue() + " for " + expected);
    }

    private static void nativePart(long sleepMillis) throws InterruptedException {
        SpawnProbe.execBegin();
        Thread.sleep(sleepMillis);
        SpawnProbe.execEnd();
    }

    @Test
    void aSpawnIsRecordedOnceWithItsCpuSplitFromTheSourcesReadings() throws Exception {
        recorder.measureUsageWith(new Scripted(true, new long[] {1_000_000, 100, 10, 1},
                new long[] {3_000_000, 400, 25, 3}));
        SpawnProbe.setListener(recorder);
        SpawnProbe.spawnBegin(null);
        nativePart(10);
        Map<String, Histogram> before = interval();
        assertEquals(0, count(before, Tags.SPAWN_CPU), "nothing of the spawn is recorded before it is complete");
        SpawnProbe.spawnReturned(null);
        Map<String, Histogram> tags = interval();
        assertEquals(1, count(tags, Tags.SPAWN));
        assertEquals(1, count(tags, Tags.SPAWN_EXEC));
        assertEquals(1, count(tags, Tags.SPAWN_CPU));
        long exec = tags.get(Tags.SPAWN_EXEC).getMaxValue();
        assertTrue(exec >= 10_000_000L, "exec " + exec);
        assertOne(tags, Tags.SPAWN_CPU, 2_000_000);
        long child = tags.get(Tags.SPAWN_CHILD).getMaxValue();
        assertEquals(1, tags.get(Tags.SPAWN_CHILD).getTotalCount());
        // exec and child are each kept at three significant digits: equal within both their precisions
        assertTrue(Math.abs(child - (exec - 2_000_000)) <= exec / 250, "child = exec - cpu: " + child + " vs " + exec);
        assertOne(tags, Tags.SPAWN_CPU_SYSTEM, 300);
        assertOne(tags, Tags.SPAWN_MINOR_FAULTS, 15);
        assertOne(tags, Tags.SPAWN_SWITCHES, 2);
        assertEquals(1, recorder.spawns());
    }

    /** An entry point that calls fork/exec twice is one spawn: one CPU value, the sum of both native parts. */
    @Test
    void twoNativePartsOfOneSpawnAreOneCpuValue() throws Exception {
        recorder.measureUsageWith(new Scripted(true, new long[] {0, 0, 0, 0}, new long[] {1_000_000, 10, 1, 1},
                new long[] {5_000_000, 20, 1, 1}, new long[] {7_000_000, 50, 4, 2}));
        SpawnProbe.setListener(recorder);
        SpawnProbe.spawnBegin(null);
        nativePart(5);
        nativePart(5);
        SpawnProbe.spawnReturned(null);
        Map<String, Histogram> tags = interval();
        assertEquals(1, count(tags, Tags.SPAWN));
        assertEquals(1, count(tags, Tags.SPAWN_CPU), "one spawn, one CPU value");
        assertOne(tags, Tags.SPAWN_CPU, 3_000_000);
        assertOne(tags, Tags.SPAWN_CPU_SYSTEM, 40);
        assertOne(tags, Tags.SPAWN_MINOR_FAULTS, 4);
    }

    /** A spawn whose CPU could not be read is still a spawn; the next one does not inherit anything. */
    @Test
    void aSpawnWithoutReadingsHasNoCpuAndLeavesNothingForTheNext() throws Exception {
        recorder.measureUsageWith(new Scripted(false, new long[] {1_000_000, 0, 0, 0}, new long[] {2_000_000, 0, 0, 0}));
        SpawnProbe.setListener(recorder);
        SpawnProbe.spawnBegin(null);
        nativePart(2);
        SpawnProbe.spawnThrew(new IOException("error=2"));
        SpawnProbe.spawnBegin(null);
        nativePart(2); // the script is used up: no readings
        SpawnProbe.spawnReturned(null);
        Map<String, Histogram> tags = interval();
        assertEquals(1, count(tags, Tags.SPAWN_FAILED));
        assertEquals(1, count(tags, Tags.SPAWN));
        assertEquals(1, count(tags, Tags.SPAWN_CPU), "only the first spawn had readings");
        assertOne(tags, Tags.SPAWN_CPU, 1_000_000);
        assertFalse(tags.containsKey(Tags.SPAWN_CPU_SYSTEM) && count(tags, Tags.SPAWN_CPU_SYSTEM) > 0,
                "no detail from a source without it");
        assertEquals(2, recorder.spawns());
    }
}
