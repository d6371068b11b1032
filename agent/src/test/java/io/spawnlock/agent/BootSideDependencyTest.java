package io.spawnlock.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.spawnlock.ClassFiles;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The boot side names nothing of the agent's libraries: the probes run inside java.base, so they may use
 * java.base only; the launcher is loaded by the application's class loader, so anything else it named would
 * be looked up among the application's classes.
 */
class BootSideDependencyTest {

    @Test
    void probesNameOnlyJavaBase() {
        assertNamesOnly("io.spawnlock.probe", Object.class.getModule().getPackages());
    }

    @Test
    void launcherNamesOnlyJavaBaseJavaInstrumentAndTheSignalApi() {
        Set<String> allowed = new HashSet<>(Object.class.getModule().getPackages());
        allowed.addAll(Instrumentation.class.getModule().getPackages());
        // sun.misc.Signal (jdk.unsupported) for the dump signal before the agent starts; premain catches its absence
        allowed.add("sun.misc");
        assertNamesOnly("io.spawnlock.agent", allowed);
    }

    private static void assertNamesOnly(String packageName, Set<String> allowedPackages) {
        String own = packageName.replace('.', '/') + "/";
        List<Path> classes = ClassFiles.compiledClassesOf(packageName);
        assertFalse(classes.isEmpty(), "no compiled classes in " + packageName);
        Set<String> foreign = new TreeSet<>();
        for (Path c : classes) {
            for (String type : ClassFiles.referencedTypes(ClassFiles.read(c))) {
                int slash = type.lastIndexOf('/');
                String pkg = slash < 0 ? "" : type.substring(0, slash).replace('/', '.');
                if (!type.startsWith(own) && !allowedPackages.contains(pkg)) {
                    foreign.add(c.getFileName() + " -> " + type);
                }
            }
        }
        assertEquals(Set.of(), foreign);
    }
}
