package io.spawnlock.os;

import java.util.Locale;

/**
 * Whether the agent may load a native library without the JDK printing a warning on the host's stderr.
 * JDK 24 and later warn on the first JNI library load of a module without native access (JEP 472): there
 * the agent uses JNA only when the JVM already runs with native access enabled for it
 * ({@code --enable-native-access=ALL-UNNAMED}).
 */
final class NativeAccess {
    private NativeAccess() {}

    /** Null when JNA may be loaded, else why not, in words for the log header. */
    static String refusal() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "not Linux (" + os + ")";
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "no JNA library shipped for " + arch;
        }
        if (Runtime.version().feature() >= 24 && !nativeAccessEnabled()) {
            return "JDK " + Runtime.version().feature() + " would print a restricted-method warning on the application's"
                    + " stderr; run with --enable-native-access=ALL-UNNAMED to use JNA";
        }
        return null;
    }

    /** {@code Module.isNativeAccessEnabled()} (JDK 22+) of the agent's module. */
    private static boolean nativeAccessEnabled() {
        try {
            Module agent = NativeAccess.class.getModule();
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(agent);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
