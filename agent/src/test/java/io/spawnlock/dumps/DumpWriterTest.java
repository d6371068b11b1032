package io.spawnlock.dumps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.locks.TestLocks;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.Recording;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dump writer at its boundary: the probes' per-thread state of real threads becomes the dump's text, its
 * holds and waits held to the threads' own clock reads, its holder and waiter to the JVM's own view
 * (ThreadMXBean), not to anything the agent produced.
 */
class DumpWriterTest {
    private static final String LOCK = "com.acme.Pool.spawnLock";
    private final Recording recording = new Recording();
    private final SpawnLocks locks = new SpawnLocks(recording);
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch done = new CountDownLatch(1);

    @BeforeEach
    void listen() {
        LockProbe.setListener(null);
        LockProbe.drain();
        locks.listen();
    }

    @AfterEach
    void detach() {
        done.countDown();
        LockProbe.setListener(null);
    }

    /** A duration as the dump prints it ({@code 35.6ms}, {@code 248ms}, {@code 1.20s}), in nanoseconds. */
    private static double nanos(String text, String unit) {
        double v = Double.parseDouble(text);
        switch (unit) {
            case "ns": return v;
            case "µs": return v * 1e3;
            case "ms": return v * 1e6;
            default: return v * 1e9;
        }
    }

    private static double after(String dump, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "([0-9.e+]+)(ns|µs|ms|s)").matcher(dump);
        assertTrue(m.find(), label + " in\n" + dump);
        return nanos(m.group(1), m.group(2));
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void await() {
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theHolderAndItsWaiterAreWhoTheJvmSeesForAsLongAsTheyTimedIt() throws Exception {
        int id = TestLocks.add(locks, "com/acme/Pool", LOCK);
        CountDownLatch holding = new CountDownLatch(1);
        long[] at = new long[2];
        Thread holder = start("dump-holder", () -> {
            LockProbe.lock(lock, id);
            at[0] = System.nanoTime();
            holding.countDown();
            await();
            LockProbe.unlock(lock, id);
        });
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        Thread waiter = start("dump-waiter", () -> {
            at[1] = System.nanoTime();
            LockProbe.lock(lock, id);
            LockProbe.unlock(lock, id);
        });
        // the JVM's own view, not ours: the waiter parked on the lock the holder owns
        ThreadInfo info = null;
        for (int i = 0; i < 500 && (info == null || info.getLockOwnerId() != holder.getId()); i++) {
            Thread.sleep(10);
            info = ManagementFactory.getThreadMXBean().getThreadInfo(waiter.getId());
        }
        assertEquals(holder.getId(), info.getLockOwnerId(), "the JVM sees the waiter wait for the holder");
        Thread.sleep(50);
        long before = System.nanoTime();
        String dump = new DumpWriter(locks, recording, () -> "POSIX_SPAWN").render("test");
        long after = System.nanoTime();

        assertTrue(dump.contains("== spawn lock " + LOCK), dump);
        assertTrue(dump.contains("holder: \"dump-holder\""), dump);
        double held = after(dump, "holding for ");
        assertTrue(held >= (before - at[0]) * 0.995 && held <= (after - at[0]) * 1.005,
                "hold " + held + " within [" + (before - at[0]) + ", " + (after - at[0]) + "]");
        assertTrue(dump.contains("waiters: 1"), dump);
        assertTrue(dump.contains("waiter: \"dump-waiter\""), dump);
        double waited = after(dump, "\"dump-waiter\" id=" + waiter.getId() + " state=WAITING, waiting ");
        assertTrue(waited <= (after - at[1]) * 1.005 && waited >= (before - at[1]) * 0.9,
                "wait " + waited + " within [" + (before - at[1]) + ", " + (after - at[1]) + "]");
        assertTrue(dump.contains("DumpWriterTest"), "the holder's stack is shown:\n" + dump);
        assertTrue(dump.contains("launch mechanism: POSIX_SPAWN"), dump);
        done.countDown();
        holder.join(5_000);
        waiter.join(5_000);
    }

    @Test
    void aThreadInsideASpawnWithoutALockIsShownInItsPhase() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        Thread spawner = start("dump-spawner", () -> {
            SpawnProbe.spawnBegin(null);
            SpawnProbe.execBegin();
            inside.countDown();
            await();
            SpawnProbe.execEnd();
            SpawnProbe.spawnReturned(null);
        });
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        String dump = new DumpWriter(locks, recording, () -> "FORK").render("test");
        assertTrue(dump.contains("== threads inside a spawn holding no known spawn lock: 1"), dump);
        assertTrue(dump.contains("\"dump-spawner\""), dump);
        assertTrue(dump.contains("in native fork/exec for "), dump);
        done.countDown();
        spawner.join(5_000);
        String after = new DumpWriter(locks, recording, () -> "FORK").render("test");
        assertTrue(after.contains("== threads inside a spawn holding no known spawn lock: 0"), after);
    }
}
