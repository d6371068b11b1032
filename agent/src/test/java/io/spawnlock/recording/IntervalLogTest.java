package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.core.AgentWarnings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntervalLogTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final AgentWarnings warnings = new AgentWarnings(new PrintStream(stderr, true));
    private final Recording recording = new Recording();

    private IntervalLog create(Path path) throws Exception {
        return IntervalLog.create(path, recording, warnings, Arrays.asList("test header"), System.currentTimeMillis());
    }

    /** tag -> {total count, intervals}, read with HdrHistogram's own reader. */
    static Map<String, long[]> readCounts(Path log) throws Exception {
        Map<String, long[]> counts = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                long[] c = counts.computeIfAbsent(h.getTag(), t -> new long[2]);
                c[0] += ((Histogram) h).getTotalCount();
                c[1]++;
            }
        }
        return counts;
    }

    @Test
    void everyRecordedValueIsInTheLogUnderItsTag() throws Exception {
        Path path = dir.resolve("a.hlog");
        IntervalLog log = create(path);
        TagRecorder spawn = recording.tag(Tags.SPAWN);
        TagRecorder exec = recording.tag(Tags.SPAWN_EXEC);
        recording.tag(Tags.SPAWN_FAILED); // never recorded: must not appear
        for (int i = 1; i <= 700; i++) {
            spawn.record(i * 1000L);
        }
        exec.record(5);
        assertTrue(log.writeInterval());
        for (int i = 1; i <= 300; i++) {
            spawn.record(i * 1000L);
        }
        log.close();
        assertFalse(log.writeInterval(), "a closed log writes nothing more");

        Map<String, long[]> counts = readCounts(path);
        assertEquals(2, counts.size(), counts.keySet().toString());
        assertEquals(1000, counts.get(Tags.SPAWN)[0]);
        assertEquals(2, counts.get(Tags.SPAWN)[1]);
        assertEquals(1, counts.get(Tags.SPAWN_EXEC)[0]);
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void valuesOutOfRangeAreClampedNotLost() throws Exception {
        Path path = dir.resolve("clamp.hlog");
        IntervalLog log = create(path);
        TagRecorder t = recording.tag("x");
        t.record(-5);
        t.record(Long.MAX_VALUE);
        log.close();
        assertEquals(2, readCounts(path).get("x")[0]);
    }

    @Test
    void headerCommentsAndStartTimeAreWritten() throws Exception {
        Path path = dir.resolve("h.hlog");
        create(path).close();
        List<String> lines = Files.readAllLines(path);
        assertEquals("#[spawnlock test header]", lines.get(0));
        assertTrue(lines.contains("#[Histogram log format version 1.3]"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("#[StartTime: ")), lines.toString());
    }

    @Test
    void logIsOwnerOnly() throws Exception {
        Path path = dir.resolve("sub/dir/p.hlog");
        create(path).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())));
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws Exception {
        Path path = dir.resolve("taken.hlog");
        Files.write(path, "precious".getBytes(StandardCharsets.UTF_8));
        IntervalLog log = create(path);
        log.close();
        assertEquals("precious", new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
        assertEquals(dir.resolve("taken.1.hlog"), log.path());
        assertEquals("spawnlock: " + path + " already exists; logging to " + log.path() + System.lineSeparator(),
                stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPlantedSymlinkIsNotFollowed() throws Exception {
        Path victim = dir.resolve("victim");
        Files.write(victim, "precious".getBytes(StandardCharsets.UTF_8));
        Path path = dir.resolve("link.hlog");
        Files.createSymbolicLink(path, victim);
        IntervalLog log = create(path);
        recording.tag("x").record(1);
        log.close();
        assertEquals("precious", new String(Files.readAllBytes(victim), StandardCharsets.UTF_8));
        assertEquals(1, readCounts(log.path()).get("x")[0]);
    }

    @Test
    void numberedNamesKeepTheExtension() {
        assertEquals(Path.of("/a/b.3.hlog"), IntervalLog.numbered(Path.of("/a/b.hlog"), 3));
        assertEquals(Path.of("/a/b.1"), IntervalLog.numbered(Path.of("/a/b"), 1));
    }
}
