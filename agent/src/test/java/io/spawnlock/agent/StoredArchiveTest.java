package io.spawnlock.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredArchiveTest {
    @TempDir
    Path dir;

    private final byte[] text = "a class, say\n".repeat(500).getBytes(StandardCharsets.UTF_8);
    private final byte[] noise = new byte[70_000];

    StoredArchiveTest() {
        new Random(42).nextBytes(noise);
    }

    /** An archive with a deflated and a stored entry, placed in a jar between two other entries. */
    private Path jarWith(byte[] archive, int method) throws IOException {
        Path jar = dir.resolve("agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "before.txt", "x".getBytes(StandardCharsets.UTF_8), ZipEntry.DEFLATED);
            put(out, "inst/libraries.zip", archive, method);
            put(out, "after.txt", "y".getBytes(StandardCharsets.UTF_8), ZipEntry.DEFLATED);
        }
        return jar;
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes, int method) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(method);
        if (method == ZipEntry.STORED) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setSize(bytes.length);
            e.setCompressedSize(bytes.length);
            e.setCrc(crc.getValue());
        }
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }

    private byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            put(out, "net/bytebuddy/Some.class", text, ZipEntry.DEFLATED);
            put(out, "com/sun/jna/linux-x86-64/libjnidispatch.so", noise, ZipEntry.STORED);
            out.setComment("a comment after the central directory");
        }
        return bytes.toByteArray();
    }

    @Test
    void readsEveryEntryInPlaceDeflatedOrStored() throws Exception {
        try (JarFile jar = new JarFile(jarWith(archive(), ZipEntry.STORED).toFile())) {
            StoredArchive a = StoredArchive.open(jar, jar.getJarEntry("inst/libraries.zip"));
            assertNotNull(a.read("net/bytebuddy/Some.class"));
            assertArrayEquals(text, a.read("net/bytebuddy/Some.class"));
            assertArrayEquals(noise, a.read("com/sun/jna/linux-x86-64/libjnidispatch.so"));
            assertArrayEquals(text, a.read("net/bytebuddy/Some.class"), "again: nothing is consumed");
            assertNull(a.read("net/bytebuddy/Other.class"));
        }
    }

    @Test
    void anArchiveThatARepackagingToolCompressedIsStillRead() throws Exception {
        try (JarFile jar = new JarFile(jarWith(archive(), ZipEntry.DEFLATED).toFile())) {
            StoredArchive a = StoredArchive.open(jar, jar.getJarEntry("inst/libraries.zip"));
            assertArrayEquals(text, a.read("net/bytebuddy/Some.class"));
            assertArrayEquals(noise, a.read("com/sun/jna/linux-x86-64/libjnidispatch.so"));
            assertNull(a.read("net/bytebuddy/Other.class"));
        }
    }

    @Test
    void somethingElseIsNotTakenForAnArchive() throws Exception {
        try (JarFile jar = new JarFile(jarWith(text, ZipEntry.STORED).toFile())) {
            IOException e = assertThrows(IOException.class, () -> StoredArchive.open(jar, jar.getJarEntry("inst/libraries.zip")));
            assertTrue(e.getMessage().contains("not a zip archive"), e.getMessage());
        }
    }
}
