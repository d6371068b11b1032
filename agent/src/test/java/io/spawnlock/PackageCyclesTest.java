package io.spawnlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages form no dependency cycle (jdeps -verbose:package agrees): every reference in code
 * from one package of ours to another, imports and qualified names alike, read from the main sources.
 */
class PackageCyclesTest {
    private static final Path MAIN = Paths.get("src", "main", "java", "io", "spawnlock");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.spawnlock\\.([a-z]+)\\.[A-Z]");

    /**
     * The source without comments and string literals: a name in a string is loaded by reflection (the
     * launcher starts the core so, across class loaders), not a dependency of the code.
     */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("//[^\n]*", "");
    }

    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String from = MAIN.relativize(file).getName(0).toString();
                Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return edges;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> edges = dependencies();
        assertTrue(edges.size() > 10, "the packages were read: " + edges.keySet());
        List<List<String>> cycles = new ArrayList<>();
        for (String start : edges.keySet()) {
            // a path back to start, if any (depth-first, the graph is small)
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            Map<String, Boolean> seen = new HashMap<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : edges.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        List<String> cycle = new ArrayList<>(path);
                        cycle.add(start);
                        cycles.add(cycle);
                    } else if (seen.putIfAbsent(next, true) == null) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }
        assertEquals(List.of(), cycles, "dependencies: " + edges);
    }
}
