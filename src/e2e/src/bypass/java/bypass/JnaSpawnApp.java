package bypass;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Spawns through its own JNA spawner from the first line of main, every fourth a program that does not
 * exist, under a lock of its own; counts its calls and failures and times each call itself.
 */
public final class JnaSpawnApp {
    static final ReentrantLock SPAWN_LOCK = new ReentrantLock();

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        long failed = 0;
        long spawnNanos = 0;
        long firstNanos = 0;
        long acquisitions = 0;
        for (int i = 0; i < calls; i++) {
            String program = i % 4 == 3 ? "/nonexistent/spawnlock-missing" : "/bin/true";
            SPAWN_LOCK.lock();
            try {
                acquisitions++;
                long t0 = System.nanoTime();
                int pid = -1;
                try {
                    pid = JnaSpawner.spawn(new String[] {program, "x"});
                } catch (IllegalStateException e) {
                    failed++;
                }
                long took = System.nanoTime() - t0;
                spawnNanos += took;
                if (i == 0) {
                    firstNanos = took; // with JnaSpawner's class initialisation (JNA's loading), before its code runs
                }
                if (pid > 0) {
                    JnaSpawner.waitFor(pid);
                }
            } finally {
                SPAWN_LOCK.unlock();
            }
        }
        System.out.println("calls=" + calls + " failed=" + failed + " spawnNanos=" + spawnNanos + " firstNanos=" + firstNanos
                + " acquisitions=" + acquisitions);
    }
}
