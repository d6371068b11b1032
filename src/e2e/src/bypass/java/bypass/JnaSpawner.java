package bypass;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The application's own spawner, which calls libc's posix_spawnp through JNA: no ProcessBuilder, nothing
 * spawnlock knows by itself. Named with {@code spawns=bypass.JnaSpawner#spawn}.
 */
public final class JnaSpawner {
    public interface LibC extends Library {
        int posix_spawnp(IntByReference pid, String file, Pointer fileActions, Pointer attributes, String[] argv,
                         String[] envp);

        int waitpid(int pid, IntByReference status, int options);
    }

    private static final LibC C = Native.load("c", LibC.class);

    private JnaSpawner() {}

    /** Starts {@code argv} and returns its pid; throws when it cannot be started. */
    public static int spawn(String[] argv) {
        IntByReference pid = new IntByReference();
        int rc = C.posix_spawnp(pid, argv[0], null, null, argv, new String[0]);
        if (rc != 0) {
            throw new IllegalStateException("posix_spawnp " + argv[0] + ": error " + rc);
        }
        return pid.getValue();
    }

    /** Waits for the child; its exit status. */
    public static int waitFor(int pid) {
        IntByReference status = new IntByReference();
        C.waitpid(pid, status, 0);
        return status.getValue();
    }
}
