package io.spawnlock.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JDKs every end-to-end case runs on: 17 and 25. Under CI ({@code CI=true}) both are required and a
 * missing one fails the run. Elsewhere the suite runs on those it finds (at least one) and says in one line
 * which it used and how to get the others. {@code -Dspawnlock.e2e.jdkHomes=/path/a,/path/b} names them.
 */
public final class Jdks {
    static final List<Integer> REQUIRED = Arrays.asList(17, 25);
    private static final List<Jdk> FOUND = find();

    private Jdks() {}

    /** For {@code @MethodSource("io.spawnlock.e2e.Jdks#all")}. */
    public static Stream<Jdk> all() {
        return FOUND.stream();
    }

    private static List<Jdk> find() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getProperty("spawnlock.e2e.jdkHomes", "");
        if (!explicit.isEmpty()) {
            for (String home : explicit.split(",")) {
                candidates.add(Paths.get(home.trim()));
            }
        } else {
            candidates.add(Paths.get(System.getProperty("java.home")));
            try (Stream<Path> homes = Files.list(Paths.get("/usr/lib/jvm"))) {
                homes.sorted().forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list /usr/lib/jvm to find JDKs " + REQUIRED, e);
            }
        }
        List<Jdk> found = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int major : REQUIRED) {
            Jdk jdk = null;
            for (Path home : candidates) {
                Integer m = majorOf(home);
                if (m != null && m == major && Files.isExecutable(home.resolve("bin/java"))) {
                    jdk = new Jdk(major, home.toAbsolutePath().normalize());
                    break;
                }
            }
            if (jdk == null) {
                missing.add(major);
            } else {
                found.add(jdk);
            }
        }
        String how = "; install " + missing.stream().map(Jdks::installHint).collect(Collectors.joining(", "))
                + ", or name JDK homes with -Dspawnlock.e2e.jdkHomes=<home>,<home>";
        String names = missing.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        if (!missing.isEmpty() && (found.isEmpty() || "true".equals(System.getenv("CI")))) {
            throw new IllegalStateException("JDK " + names + " not found among " + candidates
                    + (found.isEmpty() ? "" : " (CI=true requires JDK " + REQUIRED.stream().map(String::valueOf).collect(Collectors.joining(" and ")) + ")") + how);
        }
        System.err.println("spawnlock e2e: every case on " + found.stream().map(j -> j + " (" + j.home + ")")
                .collect(Collectors.joining(", ")) + (missing.isEmpty() ? "" : "; JDK " + names + " not found, so"
                + " not run (CI=true requires it)" + how));
        return found;
    }

    private static String installHint(int major) {
        return major == 17 ? "JDK 17 (apt-get install openjdk-17-jdk-headless)"
                : "JDK " + major + " (Temurin " + major + " from adoptium.net, under /usr/lib/jvm)";
    }

    private static Integer majorOf(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String major = v.split("[.+-]")[0];
        try {
            return Integer.parseInt(major);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** One JDK installation. */
    public static final class Jdk {
        public final int major;
        public final Path home;

        Jdk(int major, Path home) {
            this.major = major;
            this.home = home;
        }

        public Path java() {
            return home.resolve("bin/java");
        }

        @Override
        public String toString() {
            return "JDK " + major;
        }
    }
}
