package io.spawnlock.sample;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts one process under the configured spawn lock and waits for it outside the lock, the way Bazel,
 * Buildfarm and NuProcess guard {@code start()}. The lock fields are what spawnlock is meant to find.
 */
final class Spawner {
    /** A missing program: its spawn fails in the child's exec, as a typo in production would. */
    static final String MISSING_PROGRAM = "/nonexistent/spawnlock-sample-missing-program";

    private final Object monitor = new Object();
    private final ReentrantLock lock = new ReentrantLock();
    private final SampleOptions.LockMode mode;
    private final boolean useRuntimeExec;

    Spawner(SampleOptions.LockMode mode, boolean useRuntimeExec) {
        this.mode = mode;
        this.useRuntimeExec = useRuntimeExec;
    }

    /** Starts {@code command}, waits for it to exit; throws what {@code start()} threw. */
    void spawnAndWait(List<String> command) throws IOException, InterruptedException {
        Process p;
        switch (mode) {
            case SYNCHRONIZED:
                synchronized (monitor) {
                    p = start(command);
                }
                break;
            case REENTRANT:
                lock.lock();
                try {
                    p = start(command);
                } finally {
                    lock.unlock();
                }
                break;
            default:
                p = start(command);
        }
        p.waitFor();
    }

    private Process start(List<String> command) throws IOException {
        if (useRuntimeExec) {
            return Runtime.getRuntime().exec(command.toArray(new String[0]));
        }
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
