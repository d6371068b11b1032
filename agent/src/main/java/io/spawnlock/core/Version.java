package io.spawnlock.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the properties file Maven fills in at build time. */
public final class Version {
    private static final String VERSION = read();

    private Version() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/io/spawnlock/spawnlock.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // informative only
        }
        return p.getProperty("version", "unknown");
    }
}
