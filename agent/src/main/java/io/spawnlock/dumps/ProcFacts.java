package io.spawnlock.dumps;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What /proc says about this process, for a dump's header; "unknown" where /proc is not there. */
final class ProcFacts {
    private ProcFacts() {}

    static String residentMemory() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long kib = Long.parseLong(parts[0]);
                    return String.format(java.util.Locale.ROOT, "%.1f MiB", kib / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc hidden
        }
        return "unknown";
    }

    static String openDescriptors() {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return Integer.toString(n - 1); // the directory stream's own descriptor
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
