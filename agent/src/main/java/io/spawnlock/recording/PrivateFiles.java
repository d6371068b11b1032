package io.spawnlock.recording;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Files the agent writes in one go (dumps, the metrics textfile): owner-only, whole or not at all. */
public final class PrivateFiles {
    private PrivateFiles() {}

    /**
     * Writes {@code text} to a temporary file beside {@code target} (0600), then renames it to {@code target}:
     * a reader sees the old file or the new one, never half of one. Only where {@link PathSafety} allows:
     * never over a FIFO, a device, a symbolic link or another user's file.
     */
    public static void writeWhole(Path target, String text) throws IOException {
        PathSafety.check(target, PathSafety.Last.FILE);
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp"); // 0600 on POSIX
        try {
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.WRITE)) {
                w.write(text);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Renames {@code temp} to {@code target}, replacing it: atomically where the file system can, so a reader
     * sees the old file or the new one.
     */
    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
