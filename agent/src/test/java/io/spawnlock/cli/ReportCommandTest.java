package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class ReportCommandTest extends CliTest {
    /** A log with two intervals of tag spawn (1..1000 µs) and one of spawn.failed (2 ms). */
    private Path sampleLog() throws Exception {
        TestLogs log = new TestLogs(dir.resolve("s.hlog"), 1_000_000L);
        for (int interval = 0; interval < 2; interval++) {
            long[] micros = new long[500];
            for (int i = 0; i < 500; i++) {
                micros[i] = (1 + i + interval * 500) * 1000L;
            }
            log.interval("spawn", interval * 1000L, micros);
        }
        return log.interval("spawn.failed", 0, 2_000_000L).close();
    }

    private static String row(String text, String tag) {
        for (String line : text.split("\\R")) {
            if (line.startsWith(tag + " ")) {
                return line.replaceAll("\\s+", " ");
            }
        }
        throw new AssertionError("no row for " + tag + " in:\n" + text);
    }

    @Test
    void reportsEveryTagAcrossIntervals() throws Exception {
        assertEquals(0, run("report", sampleLog().toString()));
        // 1..1000 µs, as HdrHistogram resolves them at 2 significant digits
        assertEquals("spawn 1000 1.00µs 502µs 901µs 991µs 999µs 1.00ms 500µs", row(out(), "spawn"));
        assertEquals("spawn.failed 1 2.00ms 2.01ms 2.01ms 2.01ms 2.01ms 2.01ms 2.00ms", row(out(), "spawn.failed"));
        assertEquals("", err());
    }

    @Test
    void aMissingFileIsOneClearLine() {
        Path missing = dir.resolve("missing.hlog");
        assertEquals(2, run("report", missing.toString()));
        assertEquals("spawnlock: report: " + missing + ": no such file", err().trim());
        assertEquals(1, err().split("\\R").length, err());
    }

    @Test
    void aCorruptLineStillReportsWhatWasRead() throws Exception {
        Path p = sampleLog();
        Files.write(p, "Tag=spawn,3.0,1.0,1.0,NOT-A-HISTOGRAM\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(2, run("report", p.toString()));
        assertTrue(row(out(), "spawn").startsWith("spawn 1000 "), out());
        assertEquals("spawnlock: report: " + p + ": line 7: the histogram does not decode (truncated or corrupt);"
                + " what came before it is reported", err().trim());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("report"));
        assertEquals(2, run("report", "--bogus"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run());
        assertTrue(err().contains("unknown command 'frobnicate'"), err());
    }

    @Test
    void anInternalErrorExitsThreeInOneLine() {
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("a fault of our own");
            }
        };
        assertEquals(3, Cli.run(new String[] {"version"}, new java.io.PrintStream(broken, true), new java.io.PrintStream(err, true)));
        assertEquals("spawnlock: internal error: IllegalStateException: a fault of our own (run again with --debug for"
                + " the stack trace)",
                err().trim());
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("report <log>..."), out());
        assertEquals(0, run("version"));
        assertTrue(out().contains("spawnlock "), out());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String command : new String[] {"report", "compare", "merge", "doctor"}) {
            out.reset();
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out().startsWith("usage: java -jar spawnlock-agent.jar " + command), out());
        }
        assertEquals("", err());
    }

    @Test
    void csvGivesRawNanosecondsPerTag() throws Exception {
        assertEquals(0, run("report", "--format", "csv", sampleLog().toString()));
        String[] lines = out().split("\\R");
        assertEquals("tag,unit,count,min,p50,p90,p99,p99.9,max,mean", lines[0]);
        assertTrue(lines[1].startsWith("spawn,ns,1000,1000,"), out());
        assertTrue(lines[2].startsWith("spawn.failed,ns,1,"), out());
        assertEquals(3, lines.length, out());
    }

    @Test
    void hgrmIsHdrHistogramsPercentileDistributionInMilliseconds() throws Exception {
        assertEquals(0, run("report", "--format", "hgrm", "--tag", "spawn", sampleLog().toString()));
        assertTrue(out().startsWith("# tag: spawn (milliseconds)\n"), out());
        assertTrue(out().contains("Value     Percentile TotalCount 1/(1-Percentile)"), out());
        assertTrue(out().contains("Total count    =         1000]"), out());
        assertTrue(!out().contains("spawn.failed"), out());
    }

    @Test
    void tagGlobsAndRegexesFilter() throws Exception {
        String log = sampleLog().toString();
        assertEquals(0, run("report", "--tag", "spawn.*", log));
        assertTrue(out().contains("spawn.failed"), out());
        assertTrue(!out().contains("\nspawn "), out());
        out.reset();
        assertEquals(0, run("report", "--tag-regex", "spawn(\\.failed)?", log));
        assertTrue(out().contains("\nspawn ") && out().contains("spawn.failed"), out());
        assertEquals(2, run("report", "--tag-regex", "(", log));
        assertTrue(err().contains("--tag-regex ( is not a regular expression"), err());
    }

    @Test
    void aTimeWindowKeepsTheIntervalsStartingInIt() throws Exception {
        // intervals start at 0 s and 1 s after the log's start
        assertEquals(0, run("report", "--from", "1s", sampleLog().toString()));
        assertEquals("spawn 500 ", row(out(), "spawn").substring(0, 10));
        out.reset();
        assertEquals(0, run("report", "--to", "1s", "--tag", "spawn", sampleLog().toString()));
        assertTrue(row(out(), "spawn").startsWith("spawn 500 1.00µs "), out());
        assertEquals(2, run("report", "--from", "2s", "--to", "1s", sampleLog().toString()));
        assertEquals(2, run("report", "--from", "10", sampleLog().toString()));
        assertTrue(err().contains("--from: '10' needs a unit"), err());
    }

    @Test
    void intervalsGiveTheTimeSeries() throws Exception {
        assertEquals(0, run("report", "--intervals", "--format", "csv", "--tag", "spawn", sampleLog().toString()));
        String[] lines = out().split("\\R");
        assertEquals("start_epoch_ms,offset_s,length_s,tag,unit,count,p50,p99,max", lines[0]);
        assertTrue(lines[1].startsWith("1000000,0.000,1.000,spawn,ns,500,"), out());
        assertTrue(lines[2].startsWith("1001000,1.000,1.000,spawn,ns,500,"), out());
        assertEquals(3, lines.length, out());
    }

    @Test
    void outputGoesToTheNamedFile() throws Exception {
        Path target = dir.resolve("report.csv");
        assertEquals(0, run("report", "--format", "csv", "-o", target.toString(), sampleLog().toString()));
        assertEquals("", out());
        assertTrue(Files.readString(target).startsWith("tag,unit,count"));
        assertEquals(0, run("report", "-o", target.toString(), sampleLog().toString()));
        assertTrue(Files.readString(target).startsWith("tag "), "an existing file is replaced whole");
        assertEquals(0, run("compare", "-o", target.toString(), sampleLog().toString(), sampleLog().toString()));
        assertTrue(Files.readString(target).startsWith("tag "), "compare writes -o as report does");
        assertEquals("", out());
        Path input = sampleLog();
        String before = Files.readString(input);
        assertEquals(1, run("report", "-o", input.toString(), input.toString()));
        assertEquals(before, Files.readString(input), "an input is never written");
    }

    @Test
    void anIntervalThatStartsBeforeTheLogCountsInReportCompareAndMergeAlike() throws Exception {
        Path log = new TestLogs(dir.resolve("early.hlog"), 1_000_000L)
                .interval("spawn", 0, 1_000, 2_000)
                .interval("spawn", -5_000, 3_000) // a clock stepped back, say: 269 of 360 intervals were shown
                .close();
        assertEquals(0, run("report", "--format", "csv", log.toString()));
        assertTrue(out().contains("\nspawn,ns,3,"), out());
        Path merged = dir.resolve("m.hlog");
        assertEquals(0, run("merge", log.toString(), "-o", merged.toString()));
        assertEquals(0, run("compare", "--format", "csv", log.toString(), merged.toString()));
        assertTrue(out().contains("\nspawn,ns,3,3,"), out());
        assertEquals(0, run("report", "--format", "csv", "--from", "0s", log.toString()));
        assertTrue(out().contains("\nspawn,ns,2,"), "--from still leaves out what starts before it: " + out());
    }

    @Test
    void aRepeatedOutputOrAnArgumentToVersionIsAUsageError() throws Exception {
        Path log = sampleLog();
        assertEquals(2, run("report", "-o", dir.resolve("a").toString(), "-o", dir.resolve("b").toString(), log.toString()));
        assertEquals(2, run("merge", log.toString(), "-o", dir.resolve("a").toString(), "-o", dir.resolve("b").toString()));
        assertTrue(!Files.exists(dir.resolve("a")) && !Files.exists(dir.resolve("b")), "nothing written");
        assertEquals(2, run("version", "extra"));
        assertEquals(0, run("version"));
    }

    @Test
    void badInputsAreOneLineNamingFileAndPosition() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.hlog"));
        Path gzip = dir.resolve("g.hlog.gz");
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzip))) {
            z.write(Files.readAllBytes(sampleLog()));
        }
        Path foreign = dir.resolve("notes.txt");
        Files.write(foreign, "hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        Path binary = dir.resolve("b.bin");
        Files.write(binary, new byte[] {1, 2, 0, 3, '\n'});
        Path truncated = dir.resolve("t.hlog");
        byte[] whole = Files.readAllBytes(sampleLog());
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 40));
        assertEquals(2, run("report", empty.toString(), gzip.toString(), foreign.toString(), binary.toString(),
                truncated.toString()));
        String[] lines = err().split("\\R");
        assertEquals(5, lines.length, err());
        assertEquals("spawnlock: report: " + empty + ": empty file, not a histogram log", lines[0]);
        assertEquals("spawnlock: report: " + gzip + ": gzip-compressed (byte 0); decompress it first, e.g. gunzip -k "
                + gzip, lines[1]);
        assertEquals("spawnlock: report: " + foreign + ": line 1: not a histogram log line; what came before it is reported",
                lines[2]);
        assertEquals("spawnlock: report: " + binary + ": line 1: binary data, not a histogram log; what came before it"
                + " is reported", lines[3]);
        assertEquals("spawnlock: report: " + truncated + ": line 6: the file ends inside this line (cut short, or still"
                + " being written); what came before it is reported", lines[4]);
        // the truncated log's first two intervals were read
        assertTrue(row(out(), "spawn").startsWith("spawn 1000 "), out());
    }

    @Test
    void inputWithoutLineEndsOrThatNeverEndsFailsAtOnce() throws Exception {
        Path lineFree = dir.resolve("line-free.hlog");
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) 'A');
        try (java.io.OutputStream o = Files.newOutputStream(lineFree)) {
            for (int i = 0; i < 6; i++) {
                o.write(block);
            }
        }
        Path fifo = dir.resolve("fifo.hlog");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        long t0 = System.nanoTime();
        assertEquals(2, run("report", lineFree.toString(), fifo.toString(), "/dev/zero", dir.toString()));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "no wait on the FIFO without a writer");
        String[] lines = err().split("\\R");
        assertEquals(4, lines.length, err());
        assertEquals("spawnlock: report: " + lineFree + ": line 1: no line end in 4 MiB from byte 0, not a histogram log;"
                + " what came before it is reported", lines[0]);
        String notRead = ", not a log file; only regular files are read (a pipe or a device could keep the command"
                + " waiting), so save it to a file first";
        assertEquals("spawnlock: report: " + fifo + ": a FIFO (named pipe)" + notRead, lines[1]);
        assertEquals("spawnlock: report: /dev/zero: a character device" + notRead, lines[2]);
        assertEquals("spawnlock: report: " + dir + ": a directory" + notRead, lines[3]);
    }

    /** {@code command} reading {@code log} alone: report it, compare it with itself, merge it into m.hlog. */
    private String[] readingOnly(String command, Path log) {
        switch (command) {
            case "compare":
                return new String[] {command, log.toString(), log.toString()};
            case "merge":
                return new String[] {command, log.toString(), "-o", dir.resolve("m.hlog").toString()};
            default:
                return new String[] {command, log.toString()};
        }
    }

    @Test
    void aStartOrLengthThatIsNotAFiniteNumberIsBadInputForEveryCommand() throws Exception {
        for (String bad : new String[] {"NaN,1.0", "1.0,NaN", "Infinity,1.0", "1.0,-1.0"}) {
            Path p = sampleLog();
            String line = Files.readAllLines(p).get(5);
            String histogram = line.substring(line.lastIndexOf(',') + 1);
            Files.write(p, ("Tag=spawn," + bad + ",1.0," + histogram + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.APPEND);
            for (String command : new String[] {"report", "compare", "merge"}) {
                assertEquals(2, run(readingOnly(command, p)), command + " " + bad);
                assertTrue(err().contains(p + ": line 7: the start or length is not a finite number (length at least 0)"),
                        command + " " + bad + ": " + err());
                Files.deleteIfExists(dir.resolve("m.hlog"));
            }
        }
    }

    @Test
    void aLogCutInsideItsLastCommentIsCutShort() throws Exception {
        Path p = sampleLog();
        Files.write(p, "#[a comment that was cut".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(2, run("report", p.toString()));
        assertTrue(row(out(), "spawn").startsWith("spawn 1000 "), out());
        assertEquals("spawnlock: report: " + p + ": line 7: the file ends inside this line (cut short, or still being"
                + " written); what came before it is reported", err().trim());
        Path header = dir.resolve("header-only.hlog");
        Files.write(header, "#[Histogram log format version 1.3]\n#[StartTime: 1000.000 (seconds since epoch)]\n#[Base"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(2, run("report", header.toString()));
        assertTrue(err().contains(header + ": line 3: the file ends inside this line"), err());
    }

    @Test
    void countsBeyondSixtyFourBitsAreReportedNeverPrintedNegative() throws Exception {
        TestLogs log = new TestLogs(dir.resolve("huge-counts.hlog"), 1_000_000L);
        Path p = log.intervalWithCount("spawn", 0, 1000, Long.MAX_VALUE / 2 + 1)
                .intervalWithCount("spawn", 0, 1000, Long.MAX_VALUE / 2 + 1).close(); // one cell for merge too
        for (String command : new String[] {"report", "compare", "merge"}) {
            assertEquals(2, run(readingOnly(command, p)), command);
            assertTrue(err().contains(p + ": line 5: the count of spawn overflows 64 bits when added to the "
                    + (Long.MAX_VALUE / 2 + 1) + " before it"), command + ": " + err());
            assertTrue(!out().matches("(?s).*(^|\\s)-\\d.*"), command + " printed no negative count: " + out());
            Files.deleteIfExists(dir.resolve("m.hlog"));
        }
        assertTrue(out().contains(Long.toString(Long.MAX_VALUE / 2 + 1)), out());
    }
}
