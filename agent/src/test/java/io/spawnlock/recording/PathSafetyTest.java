package io.spawnlock.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the agent may create or replace a file: its user's own, never through what another user could plant. */
class PathSafetyTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private static boolean root() throws Exception {
        return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self/"), "unix:uid"));
    }

    private static void chown(Path p, int uid) throws Exception {
        assertEquals(0, new ProcessBuilder("chown", "-h", Integer.toString(uid), p.toString()).start().waitFor());
    }

    @Test
    void theUsersOwnFilesAndNewOnesInItsDirectoriesOrInTmpAreFine() throws Exception {
        assertNull(PathSafety.refusal(dir.resolve("new.hlog"), PathSafety.Last.FILE));
        assertNull(PathSafety.refusal(Files.createFile(dir.resolve("old.prom")), PathSafety.Last.FILE));
        assertNull(PathSafety.refusal(dir.resolve("a/b/c.hlog"), PathSafety.Last.NEW_FILE));
        assertNull(PathSafety.refusal(dir.resolve("dumps"), PathSafety.Last.OWN_DIRECTORY));
        assertNull(PathSafety.refusal(Paths.get("/tmp/spawnlock-not-there.hlog"), PathSafety.Last.FILE),
                "root's sticky /tmp is a place for anyone's files");
    }

    @Test
    void aFifoADeviceASymlinkOrADirectoryIsNeverReplaced() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertTrue(PathSafety.refusal(fifo, PathSafety.Last.FILE).endsWith("fifo exists and is not a regular file (a FIFO,"
                + " socket or device); the agent writes only regular files"));
        assertTrue(PathSafety.refusal(Paths.get("/dev/full"), PathSafety.Last.FILE).contains("is not a regular file"));
        Path link = Files.createSymbolicLink(dir.resolve("link.prom"), Files.createFile(dir.resolve("real.prom")));
        assertTrue(PathSafety.refusal(link, PathSafety.Last.FILE).contains("(a symbolic link)"));
        assertTrue(PathSafety.refusal(Files.createDirectory(dir.resolve("d")), PathSafety.Last.FILE).contains(" is a directory;"));
        assertEquals("/ is a directory; give the path of a file in it (for example /spawnlock-%p.hlog)",
                PathSafety.refusal(Paths.get("/"), PathSafety.Last.NEW_FILE), "log=/");
        assertTrue(Files.isRegularFile(dir.resolve("real.prom")) && !Files.isRegularFile(fifo), "nothing was touched");
    }

    @Test
    void anotherUsersFileDirectoryOrSymlinkOnTheWayIsRefused() throws Exception {
        assumeTrue(root(), "making files of another user takes root (CI runs as root)");
        Path theirs = Files.createFile(dir.resolve("theirs.prom"));
        chown(theirs, NOBODY);
        assertTrue(PathSafety.refusal(theirs, PathSafety.Last.FILE).contains("belongs to another user (uid 65534)"));

        Path open = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        chown(open, NOBODY);
        assertTrue(PathSafety.refusal(open.resolve("x.hlog"), PathSafety.Last.NEW_FILE).contains("belongs to another user"));
        assertTrue(PathSafety.refusal(open, PathSafety.Last.OWN_DIRECTORY).contains("belongs to another user"));

        Path planted = Files.createSymbolicLink(dir.resolve("planted"), Files.createDirectory(dir.resolve("victim")));
        chown(planted, NOBODY);
        assertTrue(PathSafety.refusal(planted.resolve("x.hlog"), PathSafety.Last.NEW_FILE)
                .contains("is a symbolic link of another user (uid 65534); the agent does not follow it"));
        assertTrue(PathSafety.refusal(planted, PathSafety.Last.OWN_DIRECTORY).contains("symbolic link of another user"));

        Path mineButOpen = Files.createDirectory(dir.resolve("mine-open"));
        Files.setPosixFilePermissions(mineButOpen, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(PathSafety.refusal(mineButOpen.resolve("x.hlog"), PathSafety.Last.NEW_FILE)
                .contains("may be written by other users (mode 777, no sticky bit)"));
    }
}
