package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SIGKILL in the middle of a run: the log on disk is readable up to the last complete interval. */
class KillNineTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void aKilledJvmLeavesAReadableLog(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("killed.hlog");
        Process p = ForkedJvm.on(jdk).agent("log=" + log + ",interval=100ms")
                .sampleApp("--threads", "2", "--duration", "30s", "--lock", "reentrant").start();
        ForkedJvm.StreamCollector out = new ForkedJvm.StreamCollector(p.getInputStream());
        ForkedJvm.StreamCollector err = new ForkedJvm.StreamCollector(p.getErrorStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(log) || Files.readAllLines(log).stream().filter(l -> l.startsWith("Tag=spawn,")).count() < 5) {
            assertTrue(System.nanoTime() < deadline, "no intervals in the log\n" + out.text() + err.text());
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no last flush
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("", err.text());

        List<String> lines = Files.readAllLines(log);
        long complete = lines.stream().filter(l -> l.startsWith("Tag=spawn,")).count();
        ForkedJvm.Result report = ForkedJvm.on(jdk).args("-jar", ForkedJvm.AGENT_JAR.toString(), "report",
                "--format", "csv", "--tag", "spawn", log.toString()).run();
        // every interval written whole is read; at most the very last line can be cut short
        if (report.exitCode != 0) {
            assertEquals(2, report.exitCode, report.toString());
            assertTrue(report.stderr.matches("spawnlock: report: .*: line " + lines.size()
                    + ": .*what came before it is reported\\n"), report.stderr);
        } else {
            assertEquals("", report.stderr);
        }
        String[] row = report.stdout.split("\\R")[1].split(",");
        assertEquals("spawn", row[0], report.stdout);
        assertTrue(Long.parseLong(row[2]) >= complete - 1, report.stdout + " vs " + complete + " intervals");
        assertTrue(Long.parseLong(row[2]) > 0);
    }
}
