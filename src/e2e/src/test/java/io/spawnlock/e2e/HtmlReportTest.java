package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTML report of a real agent log, opened in headless Chromium (Debian's {@code chromium}): every
 * chart the page means to draw is drawn, with nothing fetched from anywhere. Chromium missing is a failure.
 */
class HtmlReportTest {
    private static final Pattern RENDERED = Pattern.compile(
            "<body data-charts-expected=\"(\\d+)\" data-charts-rendered=\"(\\d+)\"");

    @TempDir
    Path dir;

    static Path chromium() {
        for (String name : new String[] {"chromium", "chromium-browser"}) {
            for (String d : System.getenv("PATH").split(File.pathSeparator)) {
                Path p = Paths.get(d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError("headless Chromium is needed to check the HTML report: apt-get install chromium");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void everyChartRendersOffline(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("run.hlog");
        // four threads behind one lock, as the demo runs: the convoy is the cause whatever this machine's load
        // (with two threads and ten spawns each the first spawn's class loading could outweigh the waits, and
        // the cause came out as "none", which has no advice)
        ForkedJvm.Result run = ForkedJvm.on(jdk).agent("log=" + log + ",interval=200ms")
                .sampleApp("--threads", "4", "--spawns", "25", "--lock", "synchronized").run();
        assertEquals(0, run.exitCode, run.toString());
        Path html = dir.resolve("report.html");
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report",
                "--format", "html", "-o", html.toString(), log.toString()).run();
        assertEquals(0, report.exitCode, report.toString());
        assertEquals("", report.stderr);

        String page = Files.readString(html);
        assertFalse(page.contains("<script src") || page.contains("<link"), "the page must not fetch anything");

        Process chrome = new ProcessBuilder(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage",
                "--dump-dom", html.toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(chrome.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(chrome.waitFor(60, TimeUnit.SECONDS));
        Matcher m = RENDERED.matcher(dom);
        assertTrue(m.find(), "the page's script did not finish:\n" + dom.substring(0, Math.min(2000, dom.length())));
        Map<String, Long> tags = HistogramLogs.counts(log);
        // per tag a distribution and a time series, plus the overview of spawn next to the lock's wait
        int expected = 2 * tags.size() + 1;
        assertEquals(Integer.toString(expected), m.group(1), dom);
        assertEquals(m.group(1), m.group(2), "charts that failed to render");
        long canvases = Arrays.stream(dom.split("<canvas", -1)).count() - 1;
        assertEquals(expected, canvases, "one canvas per chart");
        for (String tag : tags.keySet()) {
            assertTrue(dom.contains("<td>" + tag + "</td>"), "summary row for " + tag);
            String family = tag.startsWith("lock.") ? tag.substring(0, tag.indexOf('.', 5) + 1) + "&lt;lock&gt;" : tag;
            assertTrue(Pattern.compile("<tr><td>" + Pattern.quote(family) + "</td><td>[^<]{20,}</td></tr>").matcher(dom).find(),
                    "a glossary row explains " + family);
        }
        // the diagnosis report prints: where a spawn's time goes, the cause and its advice, from the same code
        String text = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report", log.toString()).run().stdout;
        String diagnosis = text.substring(text.indexOf("Where a spawn's time goes"));
        assertTrue(diagnosis.contains("\nCause: ") && diagnosis.contains("\nAdvice: "), text);
        Matcher section = Pattern.compile("<section id=\"diagnosis\"><h2>Why spawns are slow: ([^<]+)</h2><pre>([^<]*)</pre>")
                .matcher(dom);
        assertTrue(section.find(), "the diagnosis is on the page:\n" + dom.substring(0, Math.min(3000, dom.length())));
        assertEquals(diagnosis.trim(), section.group(2).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&").trim());
        // legends name their series and show no placeholder values
        assertFalse(dom.contains(">--<"), "a legend value reads --");
        assertTrue(dom.contains("class=\"u-label\">lock.wait.io.spawnlock.sample.Spawner.monitor<"), "the overview's legend names the lock");
    }
}
