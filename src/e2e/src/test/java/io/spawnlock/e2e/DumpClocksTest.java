package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.shapes.ForkConvoyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One instant per figure: in dumps taken while threads copy page tables under a lock (FORK, a touched heap),
 * a holder has held the lock at least as long as it has been in fork/exec, and has spent at most that long on
 * its own CPU. (A dump that read the CPU after its stacks showed 144 ms of CPU in 130 ms of fork/exec.) Each
 * such holder's line says what the kernel says its thread does at that instant: a sample, running or sleeping.
 */
class DumpClocksTest {
    private static final Pattern HOLDER = Pattern.compile("^holder: .*, holding for (\\S+), in native fork/exec for (\\S+),"
            + " (\\S+) of it on its own CPU; kernel thread (\\d+): ([RSD]) \\((running|sleeping|disk sleep)\\)",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void holdForkExecAndCpuAreReadAtOneInstant(Jdks.Jdk jdk) throws Exception {
        Path dumps = dir.resolve("dumps");
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Xmx3g", "-Djdk.lang.Process.launchMechanism=FORK",
                "--enable-native-access=ALL-UNNAMED")
                .agent("log=" + dir.resolve("fork.hlog") + ",dumpEvery=1s,dumps=" + dumps)
                .fixture(ForkConvoyApp.class, "1536", "25").run();
        assertEquals(0, r.exitCode, r.toString());
        List<String> checked = new ArrayList<>();
        try (Stream<Path> files = Files.list(dumps)) {
            for (Path f : files.collect(Collectors.toList())) {
                Matcher m = HOLDER.matcher(Files.readString(f));
                while (m.find()) {
                    double hold = DumpTest.nanos(m.group(1));
                    double exec = DumpTest.nanos(m.group(2));
                    double cpu = DumpTest.nanos(m.group(3));
                    checked.add(m.group());
                    // each figure is rounded to three digits: allow that, not more
                    assertTrue(hold >= exec * 0.99 && exec >= cpu * 0.99, "inconsistent figures: " + m.group());
                }
            }
        }
        assertTrue(checked.size() >= 2, "too few dumps caught a holder in fork/exec: " + checked + "\n" + r);
    }
}
