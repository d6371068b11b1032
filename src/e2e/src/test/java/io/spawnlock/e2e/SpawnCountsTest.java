package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract's core promise: over a run that ends normally, {@code spawn} + {@code spawn.failed} equal the
 * {@code start()} calls, on JDK 17 and 25, with and without a spawn lock, and the agent prints nothing.
 */
class SpawnCountsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> jdksAndLocks() {
        return Jdks.all().flatMap(jdk -> Stream.of("synchronized", "reentrant", "none")
                .map(lock -> Arguments.of(jdk, lock)));
    }

    @ParameterizedTest(name = "{0}, lock={1}")
    @MethodSource("jdksAndLocks")
    void logCountsEqualWhatTheSampleAppDid(Jdks.Jdk jdk, String lock) throws Exception {
        Path log = dir.resolve("sample.hlog");
        // interval=1h: nothing is written before exit, so the counts prove the flush at shutdown too
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log + ",interval=1h")
                .sampleApp("--threads", "3", "--spawns", "20", "--fail-every", "4", "--lock", lock).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        SampleApp app = SampleApp.summary(r);
        assertEquals(60, app.spawns);
        assertEquals(15, app.failed);

        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(app.ok, counts.get("spawn"), counts + "\n" + r);
        assertEquals(app.failed, counts.get("spawn.failed"), counts + "\n" + r);
        // the failures are a missing program: they too went through the native fork/exec
        assertEquals(app.spawns, counts.get("spawn.exec"), counts + "\n" + r);
        // the sample app's lock is found by discovery alone; with no lock there is no lock tag at all
        long lockTags = counts.keySet().stream().filter(t -> t.startsWith("lock.")).count();
        assertEquals(lock.equals("none") ? 0 : 6, lockTags, counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void runtimeExecIsCounted(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("exec.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log)
                .sampleApp("--threads", "2", "--spawns", "10", "--exec", "--fail-every", "5").run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        SampleApp app = SampleApp.summary(r);
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(16, app.ok);
        assertEquals(app.ok, counts.get("spawn"), counts.toString());
        assertEquals(app.failed, counts.get("spawn.failed"), counts.toString());
    }
}
