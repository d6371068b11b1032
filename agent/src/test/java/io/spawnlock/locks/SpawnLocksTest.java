package io.spawnlock.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.Tags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spawn-lock part at its boundary: what the lock probe sees on real threads and a real lock becomes the
 * lock's tags, checked against the threads' own {@code System.nanoTime()} around each acquisition.
 */
class SpawnLocksTest {
    private static final String LOCK = "com.acme.Pool.spawnLock";
    private final Recording recording = new Recording();
    private final SpawnLocks locks = new SpawnLocks(recording);

    @BeforeEach
    void listen() {
        LockProbe.setListener(null);
        LockProbe.drain(); // nothing of other tests' left
        locks.listen();
    }

    @AfterEach
    void detach() {
        LockProbe.setListener(null);
    }

    private Map<String, Histogram> interval() {
        Map<String, Histogram> byTag = new HashMap<>();
        recording.takeIntervals(h -> byTag.put(h.getTag(), h.copy()));
        return byTag;
    }

    /** Two threads behind one lock: each acquisition's wait and hold as the threads timed them, and the spawn under it. */
    @Test
    void waitsHoldsAndTheSpawnUnderALockAreWhatTheThreadsMeasured() throws Exception {
        assertTrue(locks.addAcquired("com/acme/Pool", LOCK));
        assertFalse(locks.addAcquired("com/acme/Pool", LOCK), "known already");
        int id = 0;
        assertEquals(LOCK, locks.name(id));
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch holding = new CountDownLatch(1);
        long[] holder = new long[2];
        Thread first = new Thread(() -> {
            LockProbe.lock(lock, id);
            holder[0] = System.nanoTime();
            holding.countDown();
            sleep(80);
            holder[1] = System.nanoTime();
            LockProbe.unlock(lock, id);
        });
        first.start();
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        LockProbe.lock(lock, id);
        long waited = System.nanoTime() - t0;
        assertEquals(id, locks.innermostHeld());
        long waitSeen = locks.innermostWait();
        locks.spawnUnder(locks.innermostHeld(), 7_000_000, 4_000_000);
        LockProbe.unlock(lock, id);
        first.join();
        Map<String, Histogram> tags = interval();
        Histogram wait = tags.get(Tags.LOCK_WAIT + LOCK);
        assertEquals(2, wait.getTotalCount(), "one acquisition each");
        assertTrue(waited >= 40_000_000L, "the second thread waited: " + waited);
        // inside the thread's own clock reads, and not much less
        assertTrue(wait.getMaxValue() <= wait.highestEquivalentValue(waited), wait.getMaxValue() + " vs " + waited);
        assertTrue(wait.getMaxValue() >= waited - 5_000_000L, wait.getMaxValue() + " vs " + waited);
        assertTrue(waitSeen >= waited - 5_000_000L && waitSeen <= waited, "the spawn's wait: " + waitSeen);
        Histogram hold = tags.get(Tags.LOCK_HOLD + LOCK);
        assertEquals(2, hold.getTotalCount());
        long held = holder[1] - holder[0];
        assertTrue(hold.getMaxValue() >= held && hold.getMaxValue() <= held + 20_000_000L,
                "the first thread's hold " + hold.getMaxValue() + " vs " + held);
        Histogram spawn = tags.get(Tags.LOCK_SPAWN + LOCK);
        assertEquals(1, spawn.getTotalCount());
        assertTrue(spawn.valuesAreEquivalent(7_000_000, spawn.getMaxValue()));
        assertTrue(tags.get(Tags.LOCK_EXEC + LOCK).valuesAreEquivalent(4_000_000,
                tags.get(Tags.LOCK_EXEC + LOCK).getMaxValue()));
        assertEquals(-1, locks.innermostHeld(), "released");
    }

    /** The footprint is bounded: past MAX_LOCKS a lock is not measured, and the part says so once. */
    @Test
    void pastTheBoundALockIsLeftOutAndSaidOnce() {
        for (int i = 0; i < SpawnLocks.MAX_LOCKS; i++) {
            assertTrue(locks.addAcquired("com/acme/C" + i, "com.acme.C" + i + ".lock"));
        }
        assertFalse(locks.addAcquired("com/acme/Late", "com.acme.Late.lock"));
        assertTrue(locks.addAcquired("com/acme/Other", "com.acme.C0.lock"), "a known lock at a new site still is");
        assertEquals(SpawnLocks.MAX_LOCKS, locks.count());
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        AgentWarnings warnings = new AgentWarnings(new PrintStream(said));
        locks.reportHealth(warnings);
        locks.reportHealth(warnings);
        String text = said.toString(StandardCharsets.UTF_8);
        String limit = "more than " + SpawnLocks.MAX_LOCKS + " spawn locks";
        assertEquals(1, text.split(limit, -1).length - 1, text); // (the probe's failure, static, may be another test's)
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
