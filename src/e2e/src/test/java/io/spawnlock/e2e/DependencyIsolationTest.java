package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.IsolationApp;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent's ByteBuddy, HdrHistogram and JNA never meet the application's own. */
class DependencyIsolationTest {
    private static final Path CLASH_LIBS = Paths.get(System.getProperty("spawnlock.clashLibs", "target/clash-libs"));
    private static final Path CLASH_SOURCES = Paths.get(System.getProperty("spawnlock.clashSources", "src/clash/java"));

    @TempDir
    static Path compiled;

    @TempDir
    Path dir;

    private static String appClassPath;

    @BeforeAll
    static void compileTheApplicationAgainstItsOwnOldLibraries() throws Exception {
        List<String> jars;
        try (Stream<Path> s = Files.list(CLASH_LIBS)) {
            jars = s.map(Path::toString).sorted().collect(Collectors.toList());
        }
        assertEquals(2, jars.size(), "old HdrHistogram and ByteBuddy expected in " + CLASH_LIBS + ": " + jars);
        String libs = String.join(File.pathSeparator, jars);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "11", "-cp", libs, "-d", compiled.toString(),
                CLASH_SOURCES.resolve("clash/ClashApp.java").toString());
        assertEquals(0, rc, diagnostics.toString());
        appClassPath = compiled + File.pathSeparator + libs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void applicationWithItsOwnOlderLibrariesWorksAndIsMeasured(Jdks.Jdk jdk) throws Exception {
        Path log = dir.resolve("clash.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log)
                .args("-cp", appClassPath, "clash.ClashApp").run();
        assertEquals(0, r.exitCode, r.toString());
        List<String> out = Arrays.asList(r.stdout.split("\n"));
        assertEquals("histogram count=10", out.get(0), r.toString());
        assertTrue(out.get(1).endsWith("HdrHistogram-2.1.9.jar"), "the application got another HdrHistogram: " + out.get(1));
        assertEquals("bytebuddy says made by the application's ByteBuddy", out.get(2), r.toString());
        assertTrue(out.get(3).endsWith("byte-buddy-1.12.19.jar"), "the application got another ByteBuddy: " + out.get(3));
        assertFalse(r.stderr.contains("spawnlock"), r.stderr);

        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(10L, counts.get("spawn"), counts.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spawnlock.e2e.Jdks#all")
    void theAgentsLibrariesAreInvisibleToTheApplication(Jdks.Jdk jdk) {
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + dir.resolve("iso.hlog")).fixture(IsolationApp.class).run();
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(String.join("\n",
                "org.HdrHistogram.Histogram absent",
                "net.bytebuddy.ByteBuddy absent",
                "com.sun.jna.Native absent",
                "io.spawnlock.core.AgentCore absent",
                "io.spawnlock.probe.SpawnProbe visible (loader null)",
                "resource net/bytebuddy/ByteBuddy.class absent") + "\n", r.stdout);
        assertEquals("", r.stderr);
    }
}
