package io.spawnlock.spawn;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The launch mechanism (FORK, VFORK, POSIX_SPAWN) this JVM's spawns use. The JDK reads it once, when
 * {@code ProcessImpl} initialises, so it is the same for every spawn of the run.
 */
public final class LaunchMechanism {
    private LaunchMechanism() {}

    /** What the JDK will use, from the system property and the JDK's default; cheap, loads nothing. */
    public static String expected() {
        String configured = System.getProperty("jdk.lang.Process.launchMechanism");
        if (configured != null && !configured.trim().isEmpty()) {
            return configured.trim().toUpperCase(Locale.ROOT);
        }
        return Runtime.version().feature() >= 13 ? "POSIX_SPAWN" : "VFORK";
    }

    /**
     * The mechanism in effect, read from {@code ProcessImpl} itself; call only after a spawn (so the class is
     * initialised and reading it changes nothing), off any spawn path. Null when it cannot be read.
     */
    public static String actual(Instrumentation inst) {
        try {
            Module javaBase = Object.class.getModule();
            Module self = LaunchMechanism.class.getModule();
            if (!javaBase.isOpen("java.lang", self)) {
                inst.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
            }
            Class<?> processImpl = Class.forName("java.lang.ProcessImpl", false, null);
            Field field = processImpl.getDeclaredField("launchMechanism");
            field.setAccessible(true);
            Object value = field.get(null);
            return value == null ? null : value.toString();
        } catch (Throwable t) {
            return null;
        }
    }
}
