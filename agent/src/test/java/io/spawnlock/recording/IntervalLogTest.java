package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.guard.AgentWarnings;
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

    /** A file on a disk that fills up: while full, a write stores half of what it is given, then fails. */
    static final class FillingDisk implements java.nio.channels.SeekableByteChannel {
        private final java.nio.channels.FileChannel file;
        volatile boolean full;

        FillingDisk(Path path) throws Exception {
            file = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        }

        @Override
        public int write(java.nio.ByteBuffer src) throws java.io.IOException {
            if (full) {
                java.nio.ByteBuffer half = src.slice();
                half.limit(Math.max(1, src.remaining() / 2));
                file.write(half);
                throw new java.io.IOException("No space left on device");
            }
            return file.write(src);
        }

        @Override public int read(java.nio.ByteBuffer dst) { throw new UnsupportedOperationException(); }
        @Override public long position() throws java.io.IOException { return file.position(); }
        @Override public java.nio.channels.SeekableByteChannel position(long p) throws java.io.IOException { file.position(p); return this; }
        @Override public long size() throws java.io.IOException { return file.size(); }
        @Override public java.nio.channels.SeekableByteChannel truncate(long size) throws java.io.IOException { file.truncate(size); return this; }
        @Override public boolean isOpen() { return file.isOpen(); }
        @Override public void close() throws java.io.IOException { file.close(); }
    }

    @Test
    void aFullDiskKeepsTheIntervalsInMemoryAndTheFileWhole() throws Exception {
        Path path = dir.resolve("full.hlog");
        FillingDisk disk = new FillingDisk(path);
        IntervalLog log = IntervalLog.over(disk, path, recording, warnings, Arrays.asList("test header"), System.currentTimeMillis());
        TagRecorder spawn = recording.tag(Tags.SPAWN);
        spawn.record(1000);
        log.writeInterval();
        disk.full = true;
        for (int interval = 0; interval < 3; interval++) {
            spawn.record(2000);
            spawn.record(3000);
            log.writeInterval();
            // whatever the failed writes left is cut away: HdrHistogram's reader reads the file to its end
            assertEquals(1L, readCounts(path).get(Tags.SPAWN)[0], "only the interval written before the disk filled");
        }
        String said = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.split("\n").length, said);
        assertTrue(said.contains("No space left on device") && said.contains("wait in memory"), said);
        disk.full = false; // space again: everything waiting is written, in order, before the next interval
        spawn.record(4000);
        log.close();
        long[] counts = readCounts(path).get(Tags.SPAWN);
        assertEquals(8L, counts[0], "nothing measured while the disk was full is lost");
        assertEquals(5L, counts[1], "every interval, each on its own line");
    }

    @Test
    void aDiskFullFromTheHeaderOnKeepsABoundedLogInMemoryAndCountsWhatItDrops() throws Exception {
        Path path = dir.resolve("bounded.hlog");
        FillingDisk disk = new FillingDisk(path);
        disk.full = true; // from the first byte: the header waits too
        IntervalLog log = IntervalLog.over(disk, path, recording, warnings, Arrays.asList("test header"),
                System.currentTimeMillis(), 4096);
        TagRecorder spawn = recording.tag(Tags.SPAWN);
        long recorded = 0;
        for (int interval = 0; interval < 60; interval++) { // far more than 4 KiB of text
            for (int i = 0; i <= interval % 7; i++) {
                spawn.record(1000 + interval * 10_000L + i);
                recorded++;
            }
            log.writeInterval();
        }
        assertEquals(0L, Files.size(path), "nothing could be written");
        disk.full = false;
        spawn.record(5000);
        recorded++;
        log.writeInterval(); // the waiting text goes out; this interval's own text was past the bound already
        spawn.record(6000);
        recorded++;
        log.close();
        List<String> lines = Files.readAllLines(path);
        assertTrue(lines.get(0).startsWith("#[spawnlock test header"), lines.get(0));
        String gap = lines.stream().filter(l -> l.startsWith("#[spawnlock dropped ")).findFirst().orElse(null);
        assertTrue(gap != null, "the gap is marked in the log:\n" + String.join("\n", lines));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#\\[spawnlock dropped (\\d+) interval histograms"
                + " \\((\\d+) spawns\\) here: more than 4\\.00KiB could not be written]").matcher(gap);
        assertTrue(m.matches(), gap);
        long logged = readCounts(path).get(Tags.SPAWN)[0];
        assertEquals(recorded, logged + Long.parseLong(m.group(2)), "every spawn is in the log or counted as dropped");
        String said = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(2, said.split("\n").length, said);
        assertTrue(said.contains("wait in memory (up to 4.00KiB)") && said.contains("dropped and counted"), said);
    }

    @Test
    void whatIsStillWaitingAtExitIsCountedOnce() throws Exception {
        Path path = dir.resolve("never.hlog");
        FillingDisk disk = new FillingDisk(path);
        disk.full = true;
        IntervalLog log = IntervalLog.over(disk, path, recording, warnings, Arrays.asList("test header"),
                System.currentTimeMillis());
        TagRecorder spawn = recording.tag(Tags.SPAWN);
        TagRecorder failed = recording.tag(Tags.SPAWN_FAILED);
        spawn.record(1000);
        spawn.record(2000);
        log.writeInterval();
        failed.record(3000);
        log.close();
        log.close();
        String[] said = stderr.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, said.length, String.join("\n", said));
        assertEquals("spawnlock: at exit 2 interval histograms (3 spawns) were never written to " + path
                + ": the disk did not take them", said[1]);
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
        Path numbered = dir.resolve("taken.1.hlog");
        assertTrue(Files.isRegularFile(numbered));
        assertEquals("spawnlock: " + path + " already exists; logging to " + numbered + System.lineSeparator(),
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
        Path numbered = dir.resolve("link.1.hlog"); // beside the link, as beside any file that exists
        assertEquals(1, readCounts(numbered).get("x")[0], stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void numberedNamesKeepTheExtension() {
        assertEquals(Path.of("/a/b.3.hlog"), IntervalLog.numbered(Path.of("/a/b.hlog"), 3));
        assertEquals(Path.of("/a/b.1"), IntervalLog.numbered(Path.of("/a/b"), 1));
    }
}
