package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.e2e.fixtures.IsolationApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's ByteBuddy, HdrHistogram and JNA never meet the application's own, older or the same and
 * newer, on the class path or in a class loader of the application's, nor another ByteBuddy agent that
 * rewrites the same JDK method.
 */
class DependencyIsolationTest {
    private static final Path CLASH_LIBS = Paths.get(System.getProperty("spawnlock.clashLibs", "target/clash-libs"));
    private static final Path CLASH_SOURCES = Paths.get(System.getProperty("spawnlock.clashSources", "src/clash/java"));
    /** The application's own libraries: "old" (older than the agent's), "new" (the agent's versions or newer). */
    private static final List<String> SETS = List.of("old", "new");

    @TempDir
    static Path compiled;

    @TempDir
    Path dir;

    /** Per set: the application's class path (its classes, then its libraries), and the other agent's jar. */
    private static final Map<String, String> APP_CLASS_PATH = new java.util.HashMap<>();
    private static final Map<String, Path> OTHER_AGENT = new java.util.HashMap<>();

    @BeforeAll
    static void compileTheApplicationAgainstEachSetOfItsOwnLibraries() throws Exception {
        for (String set : SETS) {
            Path classes = compiled.resolve(set);
            String classPath = LibrarySets.compile(CLASH_LIBS.resolve(set), 3, "HdrHistogram, ByteBuddy and JNA", classes,
                    List.of(CLASH_SOURCES.resolve("clash/ClashApp.java"), CLASH_SOURCES.resolve("clash/CustomLoaderMain.java"),
                            CLASH_SOURCES.resolve("clash/OtherAgent.java")));
            APP_CLASS_PATH.put(set, classPath);
            String byteBuddy = Arrays.stream(classPath.split(File.pathSeparator)).filter(j -> j.contains("byte-buddy"))
                    .findFirst().orElseThrow();
            OTHER_AGENT.put(set, otherAgentJar(classes, byteBuddy));
        }
    }

    /** The other agent: its classes, with the application's ByteBuddy on its Class-Path. */
    private static Path otherAgentJar(Path classes, String byteBuddy) throws Exception {
        Path jar = classes.resolve("other-agent.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes main = manifest.getMainAttributes();
        main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(new java.util.jar.Attributes.Name("Premain-Class"), "clash.OtherAgent");
        main.put(new java.util.jar.Attributes.Name("Can-Retransform-Classes"), "true");
        main.put(java.util.jar.Attributes.Name.CLASS_PATH, Paths.get(byteBuddy).toUri().toString());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String name : List.of("clash/OtherAgent.class", "clash/OtherAgent$Seen.class")) {
                out.putNextEntry(new java.util.jar.JarEntry(name));
                out.write(Files.readAllBytes(classes.resolve(name)));
                out.closeEntry();
            }
        }
        return jar;
    }

    static Stream<Arguments> jdksAndSets() {
        return Jdks.all().flatMap(jdk -> SETS.stream().map(set -> Arguments.of(jdk, set)));
    }

    /** What the application prints must come from its own libraries, and the agent must count its spawns. */
    private void assertOwnLibrariesAndMeasured(ForkedJvm.Result r, String set, Path log) throws Exception {
        assertEquals(0, r.exitCode, r.toString());
        List<String> out = Arrays.asList(r.stdout.split("\n"));
        String hdr = set.equals("old") ? "HdrHistogram-2.1.9.jar" : "HdrHistogram-2.2.2.jar";
        String bb = set.equals("old") ? "byte-buddy-1.12.19.jar" : "byte-buddy-1.18.14.jar";
        String jna = set.equals("old") ? "jna-5.5.0.jar" : "jna-5.18.1.jar";
        assertEquals("histogram count=10", out.get(0), r.toString());
        assertTrue(out.get(1).endsWith(hdr), "the application got another HdrHistogram: " + out.get(1));
        assertEquals("bytebuddy says made by the application's ByteBuddy", out.get(2), r.toString());
        assertTrue(out.get(3).endsWith(bb), "the application got another ByteBuddy: " + out.get(3));
        assertEquals("jna getpid ok", out.get(4), r.toString());
        assertTrue(out.get(5).endsWith(jna), "the application got another JNA: " + out.get(5));
        assertFalse(r.agentPrinted(), r.stderr);
        // its 10 spawns, and the one its own JNA makes as it loads ("/sbin/ldconfig -p", failed where missing)
        Map<String, Long> counts = HistogramLogs.counts(log);
        assertEquals(11L, counts.get("spawn") + counts.getOrDefault("spawn.failed", 0L), counts + "\n" + r);
    }

    @ParameterizedTest(name = "{0}, {1} libraries")
    @MethodSource("jdksAndSets")
    void applicationWithItsOwnLibrariesWorksAndIsMeasured(Jdks.Jdk jdk, String set) throws Exception {
        Path log = dir.resolve("clash.hlog");
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log).args("-cp", APP_CLASS_PATH.get(set), "clash.ClashApp").run();
        assertOwnLibrariesAndMeasured(r, set, log);
        assertTrue(r.stdout.contains("other agent absent"), r.stdout);
    }

    @ParameterizedTest(name = "{0}, {1} libraries")
    @MethodSource("jdksAndSets")
    void librariesInACustomClassLoaderToo(Jdks.Jdk jdk, String set) throws Exception {
        Path log = dir.resolve("loader.hlog");
        String cp = APP_CLASS_PATH.get(set);
        String launcher = cp.substring(0, cp.indexOf(File.pathSeparator)); // the compiled classes only
        ForkedJvm.Result r = ForkedJvm.on(jdk).agent("log=" + log).args("-cp", launcher, "clash.CustomLoaderMain", cp).run();
        assertOwnLibrariesAndMeasured(r, set, log);
    }

    @ParameterizedTest(name = "{0}, {1} libraries")
    @MethodSource("jdksAndSets")
    void anotherByteBuddyAgentOnTheSameJdkMethod(Jdks.Jdk jdk, String set) throws Exception {
        Path log = dir.resolve("two-agents.hlog");
        // ByteBuddy 1.12 predates JDK 25's class files: its users run it in experimental mode there
        ForkedJvm.Result r = ForkedJvm.on(jdk).args("-Dnet.bytebuddy.experimental=true", "-javaagent:" + OTHER_AGENT.get(set))
                .agent("log=" + log)
                .args("-cp", APP_CLASS_PATH.get(set), "clash.ClashApp").run();
        assertOwnLibrariesAndMeasured(r, set, log);
        assertTrue(r.stdout.contains("other agent saw start()"), "the other agent's advice ran too\n" + r.stdout);
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
