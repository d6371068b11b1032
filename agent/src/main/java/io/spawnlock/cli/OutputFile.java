package io.spawnlock.cli;

import io.spawnlock.recording.PathSafety;
import io.spawnlock.recording.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The file a command's {@code -o} names, the same for {@code report}, {@code compare} and {@code merge}: the
 * output is written beside it under a temporary name and moved into place whole when the command is done,
 * so a reader never sees half of it and a failed command leaves the old file as it was. An existing regular
 * file of this user's is replaced; anything else at that path, or on the way to it, that {@link PathSafety}
 * refuses (a FIFO, a device, a symbolic link, another user's file or directory) and a path that is one of
 * the command's inputs are refused before anything is written.
 */
final class OutputFile implements Closeable {
    private final Path target;
    private final Path temp;
    private final PrintStream stream;
    private boolean committed;

    private OutputFile(Path target, Path temp) throws IOException {
        this.target = target;
        this.temp = temp;
        this.stream = new PrintStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), false,
                StandardCharsets.UTF_8.name());
    }

    /** Checks {@code output} against the rules above and opens its temporary file; IOException with the reason. */
    static OutputFile open(String output, List<String> inputs) throws IOException {
        Path target = Paths.get(output).toAbsolutePath();
        PathSafety.check(target, PathSafety.Last.FILE);
        for (String input : inputs) {
            Path in = Paths.get(input);
            if (Files.exists(target) && Files.exists(in) && Files.isSameFile(target, in)) {
                throw new IOException("it is one of the inputs");
            }
        }
        Path dir = target.getParent();
        return new OutputFile(target, Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp"));
    }

    PrintStream stream() {
        return stream;
    }

    /** Moves the finished output into place; IOException if any write failed (the old file then stays). */
    void commit() throws IOException {
        stream.flush();
        if (stream.checkError()) {
            throw new IOException("write failed (disk full?)");
        }
        stream.close();
        PrivateFiles.moveIntoPlace(temp, target);
        committed = true;
    }

    /** Removes the temporary file of an output that was not committed. */
    @Override
    public void close() throws IOException {
        stream.close();
        if (!committed) {
            Files.deleteIfExists(temp);
        }
    }
}
