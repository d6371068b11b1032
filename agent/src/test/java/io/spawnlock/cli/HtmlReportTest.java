package io.spawnlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static Histogram of(long... values) {
        Histogram h = new Histogram(3_600_000_000_000L, 2);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void aDaysTimeSeriesStaysBoundedAndKeepsItsSpike() {
        HtmlReport.Series s = new HtmlReport.Series();
        for (int i = 0; i < 86_400; i++) {
            s.add(1_800_000_000.0 + i, Counts.of(of(i == 77_777 ? 9_000_000_000L : 1_000_000L)));
        }
        assertTrue(s.size <= HtmlReport.MAX_POINTS, "points " + s.size);
        assertTrue(s.size > HtmlReport.MAX_POINTS / 2, "points " + s.size);
        assertEquals(Integer.bitCount(s.width), 1, "width " + s.width);
        double highest = 0;
        for (int i = 0; i < s.size; i++) {
            highest = Math.max(highest, s.values[2][i]);
        }
        assertTrue(highest >= 8.9e9, "the spike survives the downsampling");
        for (int i = 1; i < s.size; i++) {
            assertTrue(s.time[i] > s.time[i - 1]);
        }
    }

    @Test
    void namesCannotBreakOutOfTheScriptElement() {
        StringBuilder json = new StringBuilder();
        HtmlReport.string(json, "lock.wait.</script><script>alert(1)</script>\"&");
        assertFalse(json.toString().contains("<"), json.toString());
        assertFalse(json.toString().contains(">"), json.toString());
        assertEquals("\"lock.wait.\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\\"\\u0026\"",
                json.toString());
    }

    @Test
    void thePageInlinesTheChartLibraryAndTheData() throws LogReader.BadLog {
        HtmlReport report = new HtmlReport(List.of("a.hlog"));
        report.interval(new LogReader.Interval("spawn", 1_000_000L, 1_001_000L, of(5_000_000L)), 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.write(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String page = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("uPlot"), "the library is inlined");
        assertFalse(page.contains("<script src") || page.contains("<link"), "nothing is fetched");
        assertTrue(page.contains("\"name\":\"spawn\",\"unit\":\"ms\",\"count\":1"), page.substring(0, 300));
    }
}
