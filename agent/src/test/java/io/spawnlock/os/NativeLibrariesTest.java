package io.spawnlock.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which places can hold JNA's library: the mount that covers a path decides. */
class NativeLibrariesTest {
    private static final String MOUNTINFO = String.join("\n",
            "22 1 0:21 / / rw,relatime - overlay overlay rw",
            "23 22 0:22 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw",
            "24 23 0:23 / /tmp/exec\\040ok rw,relatime - tmpfs tmpfs rw",
            "25 22 0:24 / /dev/shm rw,nosuid,nodev,relatime - tmpfs shm rw",
            "26 25 0:25 / /dev/shm rw,noexec,relatime - tmpfs shm rw");

    @Test
    void theLongestMountPointDecides() {
        assertTrue(NativeLibraries.noexec(MOUNTINFO, "/tmp"));
        assertTrue(NativeLibraries.noexec(MOUNTINFO, "/tmp/spawnlock"));
        assertFalse(NativeLibraries.noexec(MOUNTINFO, "/tmp/exec ok/lib"), "escaped spaces are read");
        assertFalse(NativeLibraries.noexec(MOUNTINFO, "/tmpfoo"), "a prefix that is not a directory boundary");
        assertFalse(NativeLibraries.noexec(MOUNTINFO, "/home/user/agent"));
    }

    @Test
    void aMountOverAnotherAtTheSamePointWins() {
        assertTrue(NativeLibraries.noexec(MOUNTINFO, "/dev/shm/x"));
    }
}
