package io.spawnlock.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * The rule for every file the agent creates or replaces (the log, the metrics textfile, dumps), in the
 * spirit of OpenSSH's StrictModes: the agent writes only where no other user could have planted anything.
 *
 * <ul>
 * <li>An existing file at the path must be a regular file (not a symbolic link, FIFO, device or directory)
 * that the running user owns.</li>
 * <li>Every directory on the way, and every symbolic link on the way, must be owned by the running user or
 * by root, and a directory others may write to must have the sticky bit (as {@code /tmp} has), so that no
 * one else can rename or replace what is in it.</li>
 * </ul>
 *
 * Parts of the path that do not exist yet are created by the agent itself, owner-only. Where the file
 * system has no owners (not POSIX), nothing is checked.
 */
public final class PathSafety {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int ROOT = 0;

    private PathSafety() {}

    /** What the last name of a checked path is. */
    public enum Last {
        /** A file the agent replaces whole: if it exists, a regular file of the running user's. */
        FILE,
        /** A file the agent only ever creates new (never opens an existing one): only the way to it is checked. */
        NEW_FILE,
        /** A directory the agent writes files into: if it exists, the running user's. */
        OWN_DIRECTORY
    }

    /** Throws with the reason when the agent must not create or replace {@code path}. */
    public static void check(Path path, Last last) throws IOException {
        String why = refusal(path, last);
        if (why != null) {
            throw new IOException(why);
        }
    }

    /** The reason, or null when the path is safe. */
    static String refusal(Path path, Last kind) {
        Path abs = path.toAbsolutePath().normalize();
        if (kind != Last.OWN_DIRECTORY && (abs.getFileName() == null || Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS))) {
            return abs + " is a directory; give the path of a file in it (for example " + abs.resolve("spawnlock-%p.hlog") + ")";
        }
        Object me;
        try {
            me = Files.getAttribute(Paths.get("/proc/self/"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // no owners to compare here
        }
        try {
            Path at = abs.getRoot();
            int names = abs.getNameCount() - (kind == Last.NEW_FILE ? 1 : 0);
            for (int i = 0; i < names; i++) {
                Path next = at.resolve(abs.getName(i));
                if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                    return null; // the rest does not exist: the agent creates it, owner-only
                }
                boolean last = i == names - 1 && kind != Last.NEW_FILE;
                Map<String, Object> a = Files.readAttributes(next, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
                int uid = (Integer) a.get("uid");
                int mode = (Integer) a.get("mode");
                if (last && kind == Last.FILE) {
                    if (!Files.isRegularFile(next, LinkOption.NOFOLLOW_LINKS)) {
                        return next + " exists and is not a regular file (" + kind(next) + "); the agent writes only"
                                + " regular files";
                    }
                    if (!me.equals(uid)) {
                        return next + " belongs to another user (uid " + uid + "); the agent replaces only its user's files";
                    }
                    return null;
                }
                if (Files.isSymbolicLink(next)) {
                    if (!me.equals(uid) && uid != ROOT) {
                        return next + " is a symbolic link of another user (uid " + uid + "); the agent does not"
                                + " follow it";
                    }
                    next = next.toRealPath();
                    a = Files.readAttributes(next, "unix:uid,mode");
                    uid = (Integer) a.get("uid");
                    mode = (Integer) a.get("mode");
                }
                if (!Files.isDirectory(next)) {
                    return next + " is not a directory";
                }
                boolean mine = me.equals(uid);
                if (last && !mine) {
                    return next + " belongs to another user (uid " + uid + "); the agent writes only into its"
                            + " user's directories";
                }
                if (!mine && uid != ROOT) {
                    return next + " belongs to another user (uid " + uid + "), who could replace what is in it";
                }
                if ((mode & (mine ? OTHERS_WRITE : GROUP_OR_OTHERS_WRITE)) != 0 && (mode & STICKY) == 0) {
                    return next + " may be written by other users (mode " + Integer.toOctalString(mode & 07777)
                            + ", no sticky bit), who could replace what is in it";
                }
                at = next;
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return abs + " cannot be checked (" + e.getMessage() + ")";
        }
    }

    private static String kind(Path p) {
        if (Files.isSymbolicLink(p)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "a directory";
        }
        return "a FIFO, socket or device";
    }
}
