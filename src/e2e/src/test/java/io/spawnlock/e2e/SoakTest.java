package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.SoakApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A long run, sized for CI (two 10-second phases per JDK): thousands of spawns and lock events, with the lock
 * configured so that every acquisition is measured, dumps every 2 s and the textfile every interval. The
 * log's counts equal what the application did; heap, threads and descriptors are the same after the second
 * phase as after the first.
 */
class SoakTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void countsMatchAndNothingGrows(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("soak.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Xmx256m")
                .agent("log=" + log + ",interval=500ms,metrics=" + dir.resolve("soak.prom")
                        + ",locks=io.spawnlock.e2e.fixtures.SoakApp.LOCK,dumpEvery=2s,dumps=" + dir.resolve("dumps"))
                .fixture(SoakApp.class, "10").run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.stderr, r.toString());
        List<long[]> samples = new ArrayList<>();
        long spawns = -1;
        long locks = -1;
        for (String line : r.stdout.split("\n")) {
            if (line.startsWith("sample ")) {
                String[] f = line.split("[ =]");
                samples.add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[4]), Long.parseLong(f[6])});
            } else if (line.startsWith("did ")) {
                String[] f = line.split("[ =]");
                spawns = Long.parseLong(f[2]);
                locks = Long.parseLong(f[4]);
            }
        }
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertTrue(spawns > 500, "a soak needs events: " + r.stdout);
        assertEquals(spawns, counts.get("spawn"), counts.toString());
        assertEquals(locks, counts.get("lock.hold.io.spawnlock.e2e.fixtures.SoakApp.LOCK"), counts.toString());

        assertEquals(2, samples.size(), r.stdout);
        long[] first = samples.get(0); // after 10 s: the agent's start-up (JNA, JMX, ByteBuddy) long done
        long[] second = samples.get(1); // after 10 s more of the same
        assertTrue(second[0] <= first[0] + (4 << 20), "heap after GC grew from " + first[0] + " to " + second[0] + "\n" + r.stdout);
        assertEquals(first[1], second[1], "threads\n" + r.stdout);
        assertTrue(second[2] <= first[2] + 1, "descriptors grew from " + first[2] + " to " + second[2] + "\n" + r.stdout);
    }
}
