package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeCommandTest extends CliTest {
    /** Host A starts at t=1000 s, host B 500 ms later; both log 1 s intervals. */
    private Path hostA() throws Exception {
        return new TestLogs(dir.resolve("a.hlog"), 1_000_000L)
                .interval("spawn", 0, 1_000, 2_000)
                .interval("lock.wait.G.lock", 0, 5_000)
                .interval("spawn", 1000, 3_000)
                .interval("spawn", 2000, 4_000, 5_000, 6_000)
                .close();
    }

    private Path hostB() throws Exception {
        return new TestLogs(dir.resolve("b.hlog"), 1_000_500L)
                .interval("spawn", 0, 7_000)
                .interval("spawn", 1000, 8_000, 9_000)
                .close();
    }

    private List<LogReader.Interval> intervals(Path log) throws Exception {
        List<LogReader.Interval> all = new ArrayList<>();
        try (LogReader r = LogReader.open(log)) {
            LogReader.Interval i;
            while ((i = r.next()) != null) {
                all.add(i);
            }
        }
        return all;
    }

    @Test
    void countsAddExactlyOnOneTimeGridInTimeOrder() throws Exception {
        Path merged = dir.resolve("m.hlog");
        assertEquals(0, run("merge", hostA().toString(), hostB().toString(), "-o", merged.toString()));
        assertEquals("", err());
        List<LogReader.Interval> m = intervals(merged);
        long spawns = m.stream().filter(i -> i.tag.equals("spawn")).mapToLong(i -> i.counts.totalCount()).sum();
        assertEquals(6 + 3, spawns);
        long waits = m.stream().filter(i -> i.tag.equals("lock.wait.G.lock")).mapToLong(i -> i.counts.totalCount()).sum();
        assertEquals(1, waits);
        long previous = Long.MIN_VALUE;
        for (LogReader.Interval i : m) {
            assertTrue(i.startMillis >= previous, "time order");
            assertEquals(0, (i.startMillis - 1_000_000L) % 1000, "on the 1 s grid from the earliest start");
            assertEquals(1000, i.endMillis - i.startMillis);
            previous = i.startMillis;
        }
        // cell 0 holds A's first interval and B's (which starts 500 ms in): 2 + 1 spawns
        assertEquals(3, m.get(0).counts.totalCount());
        assertEquals("-rw-------", "-" + PosixFilePermissions.toString(Files.getPosixFilePermissions(merged)));
    }

    @Test
    void reportOfTheMergeEqualsReportOfTheInputs() throws Exception {
        Path a = hostA();
        Path b = hostB();
        Path merged = dir.resolve("m.hlog");
        assertEquals(0, run("merge", "--interval", "5s", a.toString(), b.toString(), "-o", merged.toString()));
        out.reset();
        assertEquals(0, run("report", "--format", "csv", a.toString(), b.toString()));
        String inputs = out();
        out.reset();
        assertEquals(0, run("report", "--format", "csv", merged.toString()));
        assertEquals(inputs, out());
        assertEquals(2, intervals(merged).size(), "one 5 s cell, two tags");
    }

    @Test
    void aBadInputIsNamedAndWhatWasReadIsStillMerged() throws Exception {
        Path a = hostA();
        Files.write(a, "Tag=spawn,9.0,1.0,1.0,BROKEN\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        Path merged = dir.resolve("m.hlog");
        assertEquals(2, run("merge", a.toString(), hostB().toString(), "-o", merged.toString()));
        assertEquals("spawnlock: merge: " + a + ": line 8: the histogram does not decode (truncated or corrupt);"
                + " what came before it is merged", err().trim());
        assertEquals(9, intervals(merged).stream().filter(i -> i.tag.equals("spawn"))
                .mapToLong(i -> i.counts.totalCount()).sum());
    }

    @Test
    void anExistingOutputIsReplacedWholeAndAnInputOrAFifoIsRefused() throws Exception {
        Path merged = Files.write(dir.resolve("m.hlog"), "old".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, run("merge", hostA().toString(), "-o", merged.toString()));
        assertEquals(6, intervals(merged).stream().filter(i -> i.tag.equals("spawn"))
                .mapToLong(i -> i.counts.totalCount()).sum(), "replaced by the merge, as report -o does");
        Path a = hostA();
        byte[] before = Files.readAllBytes(a);
        assertEquals(1, run("merge", a.toString(), hostB().toString(), "-o", a.toString()));
        assertTrue(err().contains("cannot write " + a + " (it is one of the inputs)"), err());
        assertArrayEquals(before, Files.readAllBytes(a), "an input is never written");
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(1, run("merge", a.toString(), "-o", fifo.toString()));
        assertTrue(err().contains(fifo + " exists and is not a regular file (a FIFO, socket or device)"), err());
        assertEquals(2, run("merge", hostA().toString()));
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
    }
}
