package io.spawnlock.config;

import java.io.File;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Faults injected on purpose into named parts of the agent, for the hardening tests only. Armed only when
 * the agent jar's manifest has {@code Spawnlock-Test-Faults: allowed}, which the released jar never has (the
 * tests make a copy that does), and the system property {@code spawnlock.test.faults} names the parts: so
 * no option, property or environment can switch it on in production.
 */
public final class TestFaults {
    public static final String PROPERTY = "spawnlock.test.faults";
    public static final String MANIFEST_ATTRIBUTE = "Spawnlock-Test-Faults";
    private static volatile Set<String> armed = Collections.emptySet();

    private TestFaults() {}

    /** What a part throws when its fault is armed. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String part) {
            super("injected fault in " + part);
        }
    }

    /** Arms the parts the property names if this jar allows it; reads the jar only when the property is set. */
    public static void armIfAllowed() {
        String parts = System.getProperty(PROPERTY);
        if (parts == null || !jarAllows()) {
            return;
        }
        armed = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(parts.split(","))));
    }

    /** Throws {@link InjectedFault} when {@code part} is armed; a volatile read otherwise. */
    public static void check(String part) {
        Set<String> a = armed;
        if (!a.isEmpty() && a.contains(part)) {
            throw new InjectedFault(part);
        }
    }

    private static boolean jarAllows() {
        try {
            File jar = new File(TestFaults.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile j = new JarFile(jar)) {
                Manifest m = j.getManifest();
                return m != null && "allowed".equals(m.getMainAttributes().getValue(MANIFEST_ATTRIBUTE));
            }
        } catch (Exception e) {
            return false;
        }
    }
}
