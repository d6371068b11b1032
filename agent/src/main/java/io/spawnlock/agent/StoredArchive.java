package io.spawnlock.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;

/**
 * A zip archive stored uncompressed as one entry of the agent jar, read in place: its own central directory
 * says where each entry is, and an entry is read by skipping to it (a stored entry skips without reading).
 * Nothing is extracted.
 *
 * <p>Why: the JVM reads the agent jar's central directory, entry by entry, before the application's
 * {@code main}; with the libraries' ~3,300 classes in it that cost ~15 ms on JDK 25. In here they are
 * indexed only when the agent's own thread first needs one of them.
 *
 * <p>A jar repackaged by a tool that compressed the archive still works: the archive is then inflated
 * into memory once (~5 MB of heap for the agent's libraries).
 */
final class StoredArchive {
    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_LENGTH = 22;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int CENTRAL_LENGTH = 46;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int LOCAL_LENGTH = 30;

    private final JarFile jar;
    private final JarEntry archive;
    /** The whole archive when the jar holds it compressed; null when it is read in place. */
    private byte[] inMemory;
    /** Entry name -> {local header offset, compressed size, size, method}. */
    private final Map<String, long[]> entries = new HashMap<>();

    private StoredArchive(JarFile jar, JarEntry archive) {
        this.jar = jar;
        this.archive = archive;
    }

    static StoredArchive open(JarFile jar, JarEntry archive) throws IOException {
        StoredArchive a = new StoredArchive(jar, archive);
        if (archive.getMethod() != ZipEntry.STORED) {
            try (InputStream in = jar.getInputStream(archive)) {
                a.inMemory = in.readAllBytes();
            }
        }
        a.index();
        return a;
    }

    private void index() throws IOException {
        long size = inMemory != null ? inMemory.length : archive.getSize();
        int tailLength = (int) Math.min(size, END_LENGTH + 0xFFFF); // the end record, and a comment at most this long
        byte[] tail = readAt(size - tailLength, tailLength);
        int end = tailLength - END_LENGTH;
        while (end >= 0 && int32(tail, end) != END_SIGNATURE) {
            end--;
        }
        if (end < 0) {
            throw new IOException(archive.getName() + " is not a zip archive");
        }
        int count = int16(tail, end + 10);
        byte[] central = readAt(int32(tail, end + 16), (int) int32(tail, end + 12));
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (at + CENTRAL_LENGTH > central.length || int32(central, at) != CENTRAL_SIGNATURE) {
                throw new IOException(archive.getName() + ": bad central directory at entry " + i);
            }
            int nameLength = int16(central, at + 28);
            String name = new String(central, at + CENTRAL_LENGTH, nameLength, StandardCharsets.UTF_8);
            entries.put(name, new long[] {int32(central, at + 42), int32(central, at + 20), int32(central, at + 24),
                    int16(central, at + 10)});
            at += CENTRAL_LENGTH + nameLength + int16(central, at + 30) + int16(central, at + 32);
        }
    }

    /** The entry's content, or null if the archive has no such entry. */
    byte[] read(String name) throws IOException {
        long[] e = entries.get(name);
        if (e == null) {
            return null;
        }
        byte[] local = readAt(e[0], LOCAL_LENGTH);
        if (int32(local, 0) != LOCAL_SIGNATURE) {
            throw new IOException(archive.getName() + ": bad local header of " + name);
        }
        byte[] data = readAt(e[0] + LOCAL_LENGTH + int16(local, 26) + int16(local, 28), (int) e[1]);
        if (e[3] == ZipEntry.STORED) {
            return data;
        }
        if (e[3] != ZipEntry.DEFLATED) {
            throw new IOException(archive.getName() + ": " + name + " has compression method " + e[3]);
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(Arrays.copyOf(data, data.length + 1)); // raw deflate may want one byte past the end
            byte[] content = new byte[(int) e[2]];
            int done = 0;
            while (done < content.length) {
                int n = inflater.inflate(content, done, content.length - done);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException(archive.getName() + ": " + name + " is truncated");
                }
                done += n;
            }
            return content;
        } catch (DataFormatException ex) {
            throw new IOException(archive.getName() + ": " + name + " is corrupt", ex);
        } finally {
            inflater.end();
        }
    }

    private byte[] readAt(long offset, int length) throws IOException {
        if (inMemory != null) {
            if (offset < 0 || offset + length > inMemory.length) {
                throw new EOFException(archive.getName() + " ends before " + (offset + length));
            }
            return Arrays.copyOfRange(inMemory, (int) offset, (int) offset + length);
        }
        try (InputStream in = jar.getInputStream(archive)) {
            long skipped = 0;
            while (skipped < offset) {
                long n = in.skip(offset - skipped);
                if (n <= 0) {
                    throw new EOFException(archive.getName() + " ends before " + offset);
                }
                skipped += n;
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new EOFException(archive.getName() + " ends before " + (offset + length));
            }
            return bytes;
        }
    }

    private static int int16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long int32(byte[] b, int at) {
        return (int16(b, at) | (long) int16(b, at + 2) << 16);
    }
}
