package io.spawnlock.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Programs compiled at test time against a set of libraries an application carries (the jars of one folder). */
final class LibrarySets {
    private LibrarySets() {}

    /**
     * Compiles {@code sources} ({@code --release 11}) against the {@code jarCount} jars in {@code libs} into
     * {@code classes}; returns the class path to run them with: the classes, then the jars.
     */
    static String compile(Path libs, int jarCount, String what, Path classes, List<Path> sources) throws Exception {
        List<String> jars;
        try (Stream<Path> s = Files.list(libs)) {
            jars = s.map(Path::toString).sorted().collect(Collectors.toList());
        }
        assertEquals(jarCount, jars.size(), what + " expected in " + libs + ": " + jars);
        String classPath = String.join(File.pathSeparator, jars);
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(Arrays.asList("--release", "11", "-cp", classPath, "-d", classes.toString()));
        for (Path source : sources) {
            args.add(source.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        assertEquals(0, javac.run(null, diagnostics, diagnostics, args.toArray(new String[0])), diagnostics.toString());
        return classes + File.pathSeparator + classPath;
    }

    /** The {@code .java} files of a folder, in order. */
    static List<Path> sourcesIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }
}
