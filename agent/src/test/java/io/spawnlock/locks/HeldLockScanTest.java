package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class HeldLockScanTest {
    /** Spawn calls inside blocks that also return early: javac releases the lock on that path first. */
    static final class EarlyReturns {
        private final Object jobs = new Object();
        private final ReentrantLock lock = new ReentrantLock();
        private boolean empty;

        boolean monitor() throws IOException {
            synchronized (jobs) {
                if (empty) {
                    return false;
                }
                spawn();
            }
            return true;
        }

        boolean lockThenMonitor(boolean useLock) throws IOException {
            if (useLock) {
                lock.lock();
                try {
                    if (empty) {
                        return false;
                    }
                    spawn();
                } finally {
                    lock.unlock();
                }
            } else {
                synchronized (jobs) {
                    if (empty) {
                        return false;
                    }
                    spawn(); // second call: picked by its line
                }
            }
            return true;
        }

        int inSwitch(int kind) throws IOException {
            synchronized (jobs) {
                switch (kind) {
                    case 0:
                        return 0;
                    case 1:
                        return 1;
                    default:
                        spawn();
                        return 2;
                }
            }
        }

        void after() throws IOException {
            synchronized (jobs) {
                if (empty) {
                    return;
                }
            }
            spawn(); // not under the lock
        }

        private void spawn() throws IOException {
        }
    }

    private static final String OWNER = EarlyReturns.class.getName().replace('.', '/');
    private static final String JOBS = LockNames.fieldName(OWNER, "jobs");
    private static final String LOCK = LockNames.fieldName(OWNER, "lock");

    @Test
    void aBlockWithAnEarlyReturnStillHoldsItsLockAtTheSpawn() throws IOException {
        assertEquals(List.of(JOBS), scan("monitor", "()Z", -1).held);
        assertEquals(List.of(JOBS), scan("inSwitch", "(I)I", -1).held);
    }

    @Test
    void eachOfTwoCallsIsSeenWithItsOwnLock() throws IOException {
        HeldLockScan.Result first = scan("lockThenMonitor", "(Z)Z", -1);
        assertTrue(first.callFound);
        assertEquals(List.of(LOCK), first.held);
        int secondLine = lineOf("spawn(); // second call");
        assertEquals(List.of(JOBS), scan("lockThenMonitor", "(Z)Z", secondLine).held);
    }

    @Test
    void aCallAfterTheBlockHoldsNothing() throws IOException {
        assertEquals(List.of(), scan("after", "()V", -1).held);
    }

    private static HeldLockScan.Result scan(String method, String descriptor, int line) throws IOException {
        try (InputStream in = EarlyReturns.class.getResourceAsStream("HeldLockScanTest$EarlyReturns.class")) {
            return HeldLockScan.scan(in.readAllBytes(), method, descriptor, "spawn", "()V", line);
        }
    }

    /** The line of this source file that holds {@code text}. */
    private static int lineOf(String text) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(
                java.nio.file.Paths.get("src/test/java/io/spawnlock/locks/HeldLockScanTest.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && !lines.get(i).contains("lineOf")) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }
}
