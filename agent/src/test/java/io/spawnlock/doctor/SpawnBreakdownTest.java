package io.spawnlock.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Each cause from the shape of the parts, with the numbers measured on this kind of machine. */
class SpawnBreakdownTest {
    private static final long MS = 1_000_000;
    private final Map<String, Histogram> tags = new HashMap<>();

    private void record(String tag, long value, int times) {
        tags.computeIfAbsent(tag, t -> new Histogram(2)).recordValueWithCount(value, times);
    }

    /** n spawns with the given native part split, and Java around it. */
    private void spawns(int n, long cpu, long child, long java) {
        record("spawn", cpu + child + java, n);
        record("spawn.exec", cpu + child, n);
        record("spawn.cpu", cpu, n);
        record("spawn.child", child, n);
    }

    /** The cause and its advice as one text: the lines from "Cause: " on, joined again. */
    private String causeLine() {
        List<String> lines = SpawnBreakdown.of(tags).lines();
        int from = lines.indexOf(lines.stream().filter(l -> l.startsWith("Cause: ")).findFirst().orElseThrow());
        return lines.subList(from, lines.size()).stream().map(String::trim).collect(Collectors.joining(" "));
    }

    @Test
    void theCauseAndEachAdviceStandOnLinesOfAtMostAHundredCharacters() {
        spawns(100, 154 * MS, 190 * MS, 2 * MS);
        record("spawn.lockwait", 900 * MS, 100);
        record("lock.wait.com.acme.Gate#start", 900 * MS, 100);
        List<String> lines = SpawnBreakdown.of(tags).lines();
        List<String> cause = lines.subList(5, lines.size());
        assertTrue(cause.get(0).startsWith("Cause: lock convoy: threads wait for com.acme.Gate#start"), cause.toString());
        assertEquals(2, cause.stream().filter(l -> l.startsWith("Advice: ")).count(), cause.toString());
        assertTrue(cause.stream().anyMatch(l -> l.startsWith("Each spawn under it is slow of its own: page-table copy")),
                cause.toString());
        for (String l : cause) {
            assertTrue(l.length() <= 100, l.length() + " characters: " + l);
            assertTrue(l.startsWith("Cause: ") || l.startsWith("Advice: ") || l.startsWith("Each spawn")
                    || l.startsWith("        "), l);
        }
        assertTrue(cause.size() >= 5, "wrapped: " + cause);
        assertEquals("lock convoy on com.acme.Gate#start", SpawnBreakdown.of(tags).verdict());
    }

    @Test
    void forkAtEightGibIsThePageTableCopy() {
        spawns(50, 154 * MS, 190 * MS, 2 * MS); // FORK, 8 GiB: CPU p50 154 ms of ~340 ms
        record("os.anon4k", 8L << 30, 3);
        SpawnBreakdown b = SpawnBreakdown.of(tags);
        assertEquals(SpawnBreakdown.Cause.PAGE_TABLE_COPY, b.cause());
        assertTrue(causeLine().matches(".*\\(8\\.0\\dGiB of anonymous memory not on huge pages\\).*"), causeLine());
        assertTrue(causeLine().contains("Advice: use POSIX_SPAWN"), causeLine());
    }

    @Test
    void forkOnALoadedMachineIsStillThePageTableCopy() {
        spawns(30, 9 * MS, 47 * MS, 2 * MS); // two busy loops on the 2 cores: the parent's share fell to 16%
        record("os.fds", 40, 4);
        assertEquals(SpawnBreakdown.Cause.PAGE_TABLE_COPY, SpawnBreakdown.of(tags).cause());
    }

    @Test
    void aSweepThatCostsTheParentTwoMillisecondsIsStillTheSweep() {
        spawns(30, 2_170_000, 36 * MS, 2 * MS); // 15,008 descriptors: parent CPU 2.2 ms, 5% of the native part
        record("os.fds", 15_008, 4);
        assertEquals(SpawnBreakdown.Cause.DESCRIPTOR_SWEEP, SpawnBreakdown.of(tags).cause());
    }

    @Test
    void aLockHeldAcrossTheChildsRunIsNamedWithItsHoldAndItsSpawn() {
        spawns(40, 200_000, 1_300_000, 200_000); // 1.7 ms spawns
        record("spawn.lockwait", 600 * MS, 40); // each waited ~2 holds
        record("lock.wait.app.Runner.LOCK", 600 * MS, 40);
        record("lock.hold.app.Runner.LOCK", 300 * MS, 40); // start(), then waitFor() under the lock
        record("lock.spawn.app.Runner.LOCK", 1_700_000, 40);
        assertEquals(SpawnBreakdown.Cause.LOCK_HELD_ACROSS_CHILD, SpawnBreakdown.of(tags).cause());
        assertTrue(causeLine().matches("Cause: lock held across the child's run: threads wait for app.Runner.LOCK, whose"
                + " holder keeps it 30\\d\\.?\\d*ms per acquisition while the spawn under it takes 1\\.\\d+ms.*"), causeLine());
        assertTrue(causeLine().contains("Advice: release the lock after start()"), causeLine());
    }

    @Test
    void twentyThousandDescriptorsAreTheSweep() {
        spawns(50, 600_000, 55 * MS, MS); // parent CPU 0.6 ms, start() ~58 ms
        record("os.fds", 19_900, 4);
        assertEquals(SpawnBreakdown.Cause.DESCRIPTOR_SWEEP, SpawnBreakdown.of(tags).cause());
        assertTrue(causeLine().contains("each of ~19904 open descriptors"), causeLine());
    }

    @Test
    void aSlowChildWithFewDescriptorsIsTheChildOrKernel() {
        spawns(50, 600_000, 20 * MS, MS);
        record("os.fds", 40, 4);
        assertEquals(SpawnBreakdown.Cause.CHILD_OR_KERNEL, SpawnBreakdown.of(tags).cause());
    }

    @Test
    void waitingLongerThanTheSpawnIsAConvoyWhateverMakesTheSpawnSlow() {
        spawns(100, 154 * MS, 190 * MS, 2 * MS);
        record("spawn.lockwait", 900 * MS, 100); // four threads behind one lock at 8 GiB: wait p50 ~0.9 s
        record("lock.wait.com.acme.Gate#start", 900 * MS, 100);
        record("lock.wait.com.acme.Other.LOCK", 1 * MS, 100);
        SpawnBreakdown b = SpawnBreakdown.of(tags);
        assertEquals(SpawnBreakdown.Cause.LOCK_CONVOY, b.cause());
        assertTrue(causeLine().startsWith("Cause: lock convoy: threads wait for com.acme.Gate#start"), causeLine());
        assertEquals(SpawnBreakdown.Cause.PAGE_TABLE_COPY, b.spawnCause());
        assertTrue(causeLine().contains("Each spawn under it is slow of its own: page-table copy:"), causeLine());
        String lockLine = b.lines().get(1);
        assertTrue(lockLine.contains("72%") && lockLine.contains("(most waited: com.acme.Gate#start)"), lockLine);
    }

    @Test
    void aConvoyOfFastSpawnsNamesTheLockAlone() {
        spawns(100, 200_000, MS, MS);
        record("spawn.lockwait", 20 * MS, 100);
        assertEquals(SpawnBreakdown.Cause.LOCK_CONVOY, SpawnBreakdown.of(tags).cause());
        assertTrue(!causeLine().contains("slow of its own"), causeLine());
    }

    @Test
    void aFastSpawnNamesNoCause() {
        spawns(100, 200_000, 1 * MS, 3 * MS);
        assertEquals(SpawnBreakdown.Cause.NONE, SpawnBreakdown.of(tags).cause());
    }

    @Test
    void withoutCpuMeasuredThereIsNoBreakdown() {
        record("spawn", 5 * MS, 10);
        record("spawn.exec", 4 * MS, 10);
        assertNull(SpawnBreakdown.of(tags));
    }

    @Test
    void lockWaitIsSpreadOverAllSpawnsIncludingThoseOutsideALock() {
        spawns(100, MS, MS, MS);
        record("spawn.lockwait", 10 * MS, 10); // 10 of 100 spawns waited 10 ms
        assertEquals(MS, SpawnBreakdown.of(tags).meanNanos(SpawnBreakdown.Part.LOCK_WAIT), 0.02 * MS);
    }
}
