package io.spawnlock.os;

import io.spawnlock.guard.Privileged;
import io.spawnlock.recording.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Puts a native library the agent ships (JNA's {@code libjnidispatch.so}) in a file the kernel will map
 * executable, and returns its {@code file:} URL; JNA then loads that file as it is instead of unpacking
 * its own copy into a temporary directory that may be mounted {@code noexec}.
 *
 * <p>Tried in order: {@code java.io.tmpdir}, the agent jar's directory, {@code /dev/shm}; a place on a
 * {@code noexec} mount is skipped. The file lives in an owner-only directory named after the user's uid,
 * and its name carries its checksum, so versions never clash and a planted file is never loaded.
 *
 * <p>The agent's class loader calls this (by reflection: it is defined by that loader, with the agent's
 * permissions) when JNA asks for its library, and the work runs privileged: a SecurityManager of the
 * application's may be installed, and the loader's own code has only what the policy gives the jar.
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /** The library's file URL, or null when no place works (JNA then tries its own way, and may fail). */
    public static URL extract(String resourceName, byte[] bytes, Path jarDirectory) {
        return Privileged.call(() -> extractNow(resourceName, bytes, jarDirectory));
    }

    private static URL extractNow(String resourceName, byte[] bytes, Path jarDirectory) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        String simpleName = resourceName.substring(resourceName.lastIndexOf('/') + 1);
        String fileName = simpleName.replace(".so", "") + "-" + Long.toHexString(crc.getValue()) + ".so";
        String mountinfo = read(Paths.get("/proc/self/mountinfo"));
        for (Path place : places(jarDirectory)) {
            try {
                Path real = place.toRealPath();
                if (mountinfo != null && noexec(mountinfo, real.toString())) {
                    continue;
                }
                Path dir = ownDirectory(real);
                if (dir == null) {
                    continue;
                }
                Path file = dir.resolve(fileName);
                if (!sameContent(file, bytes)) {
                    Path temp = Files.createTempFile(dir, "part-", ".so");
                    Files.write(temp, bytes);
                    moveInto(temp, file);
                }
                if (sameContent(file, bytes)) {
                    return file.toUri().toURL();
                }
            } catch (IOException | RuntimeException e) {
                // this place does not work: try the next
            }
        }
        return null;
    }

    private static List<Path> places(Path jarDirectory) {
        List<Path> places = new ArrayList<>();
        places.add(Paths.get(System.getProperty("java.io.tmpdir", "/tmp")));
        if (jarDirectory != null) {
            places.add(jarDirectory);
        }
        places.add(Paths.get("/dev/shm"));
        return places;
    }

    /** {@code <place>/spawnlock-native-<uid>}, created 0700, or null if it exists and is not ours alone. */
    private static Path ownDirectory(Path place) throws IOException {
        Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        Path dir = place.resolve("spawnlock-native-" + uid);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // ours from an earlier run, if it passes the checks below
        }
        boolean safe = Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                && uid.equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                && PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)).equals("rwx------");
        return safe ? dir : null;
    }

    private static void moveInto(Path temp, Path file) throws IOException {
        try {
            PrivateFiles.moveIntoPlace(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean sameContent(Path file, byte[] bytes) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != bytes.length) {
            return false;
        }
        return java.util.Arrays.equals(Files.readAllBytes(file), bytes);
    }

    /** Whether {@code path} lies on a mount with the noexec option, per /proc/self/mountinfo. */
    static boolean noexec(String mountinfo, String path) {
        String best = null;
        boolean bestNoexec = false;
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length < 6) {
                continue;
            }
            String mountPoint = unescape(fields[4]);
            boolean covers = path.equals(mountPoint) || mountPoint.equals("/")
                    || path.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
            if (covers && (best == null || mountPoint.length() >= best.length())) {
                best = mountPoint; // later lines of the same mount point are mounted over earlier ones
                bestNoexec = (',' + fields[5] + ',').contains(",noexec,");
            }
        }
        return bestNoexec;
    }

    /** Mount points escape space, tab, newline and backslash as octal: {@code \040}. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
