package io.spawnlock.dumps;

import io.spawnlock.recording.Units;
import io.spawnlock.config.TestFaults;
import io.spawnlock.doctor.Herds;
import io.spawnlock.doctor.SpawnBreakdown;
import io.spawnlock.os.Facts;
import io.spawnlock.os.ThreadSwitches;
import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagTable;
import io.spawnlock.recording.PathSafety;
import io.spawnlock.recording.PrivateFiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Writes one dump: who holds each spawn lock, for how long and in which spawn phase, who waits for it
 * (longest first, with how often each was overtaken), their stacks, the threads inside a spawn that hold no
 * known lock, and every tag since start. Only those threads' stacks are taken (each a per-thread handshake
 * on JDK 21+, all in one safepoint before; never a heap walk). The file appears whole or not at all: it is
 * written to a temporary file in the same directory, owner-only, and renamed.
 */
final class DumpWriter {
    /** Bounds per dump, so that no trigger storm or thread explosion makes one huge. */
    static final int MAX_WAITERS_SHOWN = 100;
    static final int MAX_FRAMES = 64;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS");

    private final SpawnLocks locks;
    private final Recording recording;
    private final Supplier<String> launchMechanism;
    /** For the CPU of threads in fork/exec and, before JDK 21, the stacks; loaded with the first dump that needs it. */
    private ThreadMXBean threads;

    DumpWriter(SpawnLocks locks, Recording recording, Supplier<String> launchMechanism) {
        this.locks = locks;
        this.recording = recording;
        this.launchMechanism = launchMechanism;
    }

    /** A thread holding a spawn lock, and since when (null: the JVM names it the owner, the probes did not time it). */
    private static final class Holder {
        final Thread thread;
        final Long since;

        Holder(Thread thread, Long since) {
            this.thread = thread;
            this.since = since;
        }
    }

    /** What a dump said, for the caller's note in the log. */
    static final class Written {
        final Path file;
        final long nanos;

        Written(Path file, long nanos) {
            this.file = file;
            this.nanos = nanos;
        }
    }

    Written write(Path dir, String trigger) throws IOException {
        TestFaults.check("dump");
        long started = System.nanoTime();
        String text = render(trigger);
        createPrivateDirectory(dir);
        long pid = ProcessHandle.current().pid();
        Path target = dir.resolve("spawnlock-dump-" + pid + "-" + LocalDateTime.now().format(NAME_TIME) + ".txt");
        PrivateFiles.writeWhole(target, text);
        return new Written(target, System.nanoTime() - started);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        PathSafety.check(dir, PathSafety.Last.OWN_DIRECTORY);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " exists and is not a directory (or is a symbolic link)");
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    String render(String trigger) {
        return format(new Snapshot(this), trigger);
    }

    /**
     * Everything a dump shows, taken at one instant before a line of it is written: the probes' threads,
     * the spawning threads' CPU and kernel state, then the time every wait and hold ends at, the JVM's own
     * view of the locks, who is shown, and their stacks, taken together.
     */
    private static final class Snapshot {
        final List<LockProbe.ThreadLocks> threads;
        final List<SpawnProbe.InSpawn> spawning;
        final Map<Thread, Long> cpuNow;
        final Map<Thread, String> kernel;
        final long now;
        final Map<Thread, SpawnProbe.InSpawn> spawnOf;
        /** Per lock: the threads holding it (the innermost holding entry of each) and waiting for it. */
        final Map<Integer, List<Holder>> holders;
        final Map<Integer, List<LockProbe.ThreadLocks>> waiters;
        /** Per lock: the waiters the JVM sees that the probes did not time. */
        final Map<Integer, List<Thread>> untimed;
        final Set<Integer> ids;
        /** The spawning threads that hold no known spawn lock. */
        final List<SpawnProbe.InSpawn> unlocked;
        final Map<Thread, StackTraceElement[]> stacks;

        Snapshot(DumpWriter writer) {
            threads = LockProbe.threads();
            spawning = SpawnProbe.inSpawn();
            // One instant for every figure: the spawning threads' CPU, then the time all waits and holds end at.
            cpuNow = new HashMap<>();
            kernel = new HashMap<>();
            for (SpawnProbe.InSpawn s : spawning) {
                cpuNow.put(s.thread, writer.cpuOf(s));
                if (s.execSince != 0L && s.nativeThreadId > 0) { // runs (a page-table copy) or sleeps, and on what
                    String state = Facts.kernelState(s.nativeThreadId);
                    if (state != null) {
                        kernel.put(s.thread, "; kernel thread " + s.nativeThreadId + ": " + state);
                    }
                }
            }
            now = System.nanoTime();
            spawnOf = new LinkedHashMap<>();
            for (SpawnProbe.InSpawn s : spawning) {
                spawnOf.put(s.thread, s);
            }
            holders = new LinkedHashMap<>();
            waiters = new LinkedHashMap<>();
            for (LockProbe.ThreadLocks t : threads) {
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < t.held.length; i++) {
                    if (seen.add(t.held[i])) { // a reentrant hold counts once, from its first acquisition
                        holders.computeIfAbsent(t.held[i], k -> new ArrayList<>())
                                .add(new Holder(t.thread, t.heldSince[i]));
                    }
                }
                if (t.waitingFor >= 0) {
                    waiters.computeIfAbsent(t.waitingFor, k -> new ArrayList<>()).add(t);
                }
            }
            ids = new java.util.TreeSet<>(holders.keySet());
            ids.addAll(waiters.keySet());
            // The JVM's view: the owner it names and the threads it sees waiting, timed or not by the probes.
            Map<Integer, JvmLockView> jvm = writer.jvmViews();
            ids.addAll(jvm.keySet());
            untimed = new HashMap<>();
            for (Map.Entry<Integer, JvmLockView> e : jvm.entrySet()) {
                mergeJvmView(e.getKey(), e.getValue(), holders, waiters, untimed);
            }
            // Who is shown, before anything is written: their stacks are then taken together.
            Set<Thread> shown = new LinkedHashSet<>();
            for (int id : ids) {
                for (Holder h : holders.getOrDefault(id, new ArrayList<>())) {
                    shown.add(h.thread);
                }
                List<LockProbe.ThreadLocks> ws = waiters.getOrDefault(id, new ArrayList<>());
                ws.sort(Comparator.comparingLong(w -> w.waitingSince)); // longest wait first
                for (int i = 0; i < ws.size() && i < MAX_WAITERS_SHOWN; i++) {
                    shown.add(ws.get(i).thread);
                }
                List<Thread> notTimed = untimed.getOrDefault(id, new ArrayList<>());
                for (int i = 0; i < notTimed.size() && ws.size() + i < MAX_WAITERS_SHOWN; i++) {
                    shown.add(notTimed.get(i));
                }
            }
            unlocked = new ArrayList<>();
            for (SpawnProbe.InSpawn s : spawning) {
                if (!shown.contains(s.thread)) {
                    unlocked.add(s);
                }
            }
            List<Thread> stacked = new ArrayList<>(shown);
            for (int i = 0; i < unlocked.size() && i < MAX_WAITERS_SHOWN; i++) {
                stacked.add(unlocked.get(i).thread);
            }
            stacks = writer.stacksOf(stacked);
        }
    }

    /** The dump's text from a snapshot: nothing is read from the running JVM here but the tags' totals. */
    private String format(Snapshot snap, String trigger) {
        long now = snap.now;
        Map<Integer, List<Holder>> holders = snap.holders;
        Map<Integer, List<LockProbe.ThreadLocks>> waiters = snap.waiters;
        Map<Integer, List<Thread>> untimed = snap.untimed;
        Map<Thread, SpawnProbe.InSpawn> spawnOf = snap.spawnOf;
        Map<Thread, StackTraceElement[]> stacks = snap.stacks;
        Map<Thread, Long> cpuNow = snap.cpuNow;
        Map<Thread, String> kernel = snap.kernel;
        Set<Integer> ids = snap.ids;
        List<SpawnProbe.InSpawn> unlocked = snap.unlocked;
        StringBuilder out = new StringBuilder(8192);
        header(out, trigger, snap.threads.size(), snap.spawning.size());
        if (ids.isEmpty()) {
            out.append("\nNo thread holds or waits for a spawn lock.\n");
        }
        for (int id : ids) {
            String name = locks.name(id);
            out.append("\n== spawn lock ").append(name == null ? "#" + id : name).append('\n');
            List<Holder> hs = holders.getOrDefault(id, new ArrayList<>());
            if (hs.isEmpty()) {
                out.append("holder: none seen (taken at a site spawnlock does not measure)\n");
            }
            for (Holder h : hs) {
                Thread t = h.thread;
                out.append("holder: ").append(describe(t)).append(h.since == null
                        ? ", the JVM's owner, taken where spawnlock does not measure (not timed)"
                        : ", holding for " + Units.nanos(now - h.since));
                SpawnProbe.InSpawn s = spawnOf.get(t);
                out.append(s == null ? ", not in a spawn" + activity(stacks.get(t)) : phase(s, now, cpuNow.get(t), kernel.get(t)))
                        .append('\n');
                stack(out, stacks.get(t));
            }
            List<LockProbe.ThreadLocks> ws = waiters.getOrDefault(id, new ArrayList<>());
            List<Thread> notTimed = untimed.getOrDefault(id, new ArrayList<>());
            int all = ws.size() + notTimed.size();
            out.append("waiters: ").append(all).append('\n');
            for (int i = 0; i < ws.size() && i < MAX_WAITERS_SHOWN; i++) {
                LockProbe.ThreadLocks w = ws.get(i);
                out.append("waiter: ").append(describe(w.thread)).append(", waiting ")
                        .append(Units.nanos(now - w.waitingSince)).append(", overtaken ").append(w.overtaken)
                        .append(w.overtaken == 1 ? " time" : " times").append('\n');
                stack(out, stacks.get(w.thread));
            }
            for (int i = 0; i < notTimed.size() && ws.size() + i < MAX_WAITERS_SHOWN; i++) {
                out.append("waiter: ").append(describe(notTimed.get(i)))
                        .append(", blocked as the JVM sees it, asked where spawnlock does not measure (not timed)\n");
                stack(out, stacks.get(notTimed.get(i)));
            }
            if (all > MAX_WAITERS_SHOWN) {
                out.append("(").append(all - MAX_WAITERS_SHOWN).append(" more waiters not shown)\n");
            }
        }

        out.append("\n== threads inside a spawn holding no known spawn lock: ").append(unlocked.size()).append('\n');
        for (int i = 0; i < unlocked.size() && i < MAX_WAITERS_SHOWN; i++) {
            SpawnProbe.InSpawn s = unlocked.get(i);
            out.append("thread: ").append(describe(s.thread)).append(phase(s, now, cpuNow.get(s.thread), kernel.get(s.thread))).append('\n');
            stack(out, stacks.get(s.thread));
        }

        out.append(recording.readSinceStart(DumpWriter::sinceStart));
        return out.toString();
    }

    /**
     * The JVM's view of every spawn lock it sees a waiter or an owner of; empty without java.management, and
     * when no lock has an object or identity to find it by (then no thread's information is taken at all).
     */
    private Map<Integer, JvmLockView> jvmViews() {
        Map<Integer, JvmLockView> views = new HashMap<>();
        List<Integer> findable = new ArrayList<>();
        for (int id = 0; id < locks.count(); id++) {
            if (locks.lockObject(id) != null || locks.jvmIdentity(id) != null) {
                findable.add(id);
            }
        }
        if (findable.isEmpty()) {
            return views;
        }
        JvmLockView.Snapshot snapshot;
        try {
            snapshot = new JvmLockView.Snapshot(threadBean());
        } catch (RuntimeException | LinkageError e) {
            return views; // the probes' view alone
        }
        for (int id : findable) {
            JvmLockView v = snapshot.of(locks.lockObject(id), locks.jvmIdentity(id));
            if (v.owner != null || !v.waiters.isEmpty()) {
                views.put(id, v);
            }
        }
        return views;
    }

    /**
     * The JVM's view over the probes': the owner it names is the holder (a thread the probes think holds the
     * lock but the JVM sees waiting for it is a waiter), and the waiters it sees that the probes did not
     * time are listed as such.
     */
    private static void mergeJvmView(int id, JvmLockView view, Map<Integer, List<Holder>> holders,
                                     Map<Integer, List<LockProbe.ThreadLocks>> waiters, Map<Integer, List<Thread>> untimed) {
        List<Holder> hs = holders.computeIfAbsent(id, k -> new ArrayList<>());
        if (view.owner != null) {
            hs.removeIf(h -> h.thread != view.owner);
            if (hs.isEmpty()) {
                hs.add(new Holder(view.owner, null)); // taken in a frame the probes do not see: no start
            }
        }
        Set<Thread> timed = new HashSet<>();
        for (LockProbe.ThreadLocks w : waiters.getOrDefault(id, new ArrayList<>())) {
            timed.add(w.thread);
        }
        List<Thread> rest = new ArrayList<>();
        for (Thread t : view.waiters) {
            if (!timed.contains(t)) {
                rest.add(t);
            }
        }
        if (!rest.isEmpty()) {
            untimed.put(id, rest);
        }
    }

    /** Every tag since start (count, p50, p99, max), then why spawns are slow, if the tags tell it. */
    private static String sinceStart(Map<String, Histogram> byTag) {
        StringBuilder out = new StringBuilder("\n== every tag since start (up to the last interval)\n");
        TagTable table = new TagTable(56, TagTable.Stat.COUNT, TagTable.Stat.P50, TagTable.Stat.P99, TagTable.Stat.MAX);
        out.append(table.header());
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            out.append(table.row(e.getKey(), e.getValue()));
        }
        SpawnBreakdown breakdown = SpawnBreakdown.of(byTag);
        if (breakdown != null) {
            out.append("\n== why spawns are slow, since start\n");
            breakdown.lines().forEach(line -> out.append(line).append('\n'));
        }
        List<String> herds = Herds.lines(byTag);
        if (!herds.isEmpty()) {
            out.append("\n== herds, since start\n");
            herds.forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    private void header(StringBuilder out, String trigger, int lockThreads, int spawningThreads) {
        out.append("spawnlock dump\n");
        out.append("time: ").append(java.time.OffsetDateTime.now()).append('\n');
        out.append("pid: ").append(ProcessHandle.current().pid()).append('\n');
        out.append("trigger: ").append(trigger).append('\n');
        out.append("jdk: ").append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vendor")).append(")\n");
        out.append("launch mechanism: ").append(launchMechanism.get()).append('\n');
        Facts f = Facts.ofThisProcess();
        out.append("resident memory: ").append(f.residentBytes < 0 ? "unknown" : Units.bytes(f.residentBytes));
        out.append(f.anonNotHugeBytes < 0 ? "" : " (anonymous, not on huge pages: " + Units.bytes(f.anonNotHugeBytes) + ")");
        out.append('\n');
        out.append("open descriptors: ").append(f.openDescriptors < 0 ? "unknown" : Long.toString(f.openDescriptors)).append('\n');
        out.append("threads with spawn-lock state: ").append(lockThreads).append(", inside a spawn: ")
                .append(spawningThreads).append('\n');
    }

    private static String describe(Thread t) {
        return "\"" + t.getName() + "\" id=" + t.getId() + (ThreadSwitches.isVirtual(t) ? " virtual" : "") + " state=" + t.getState();
    }

    /**
     * What a holder that is not spawning does with the lock, when its stack says so: waiting for its child.
     * (Reading a child's output shows as plain stream frames, which do not say whose stream it is.)
     */
    static String activity(StackTraceElement[] stack) {
        for (StackTraceElement f : stack == null ? new StackTraceElement[0] : stack) {
            String c = f.getClassName();
            if ((c.equals("java.lang.ProcessImpl") || c.equals("java.lang.Process")) && f.getMethodName().equals("waitFor")) {
                return ": waiting for its child (Process.waitFor) under the lock";
            }
        }
        return "";
    }

    /**
     * The spawn's phase: its wall times end at {@code now}, its CPU time at {@code cpuNow}, read just before
     * it (a dump that read the CPU after its stacks, on a loaded machine, showed more CPU than wall time).
     */
    private static String phase(SpawnProbe.InSpawn s, long now, Long cpuNow, String kernel) {
        if (s.execSince != 0L) {
            long cpu = cpuNow == null || cpuNow < 0 ? -1 : cpuNow - s.execCpuStart;
            return ", in native fork/exec for " + Units.nanos(now - s.execSince)
                    + (cpu < 0 ? "" : ", " + Units.nanos(cpu) + " of it on its own CPU") + (kernel == null ? "" : kernel)
                    + " (spawn started " + Units.nanos(now - s.since) + " ago)";
        }
        return ", in the spawning call for " + Units.nanos(now - s.since) + " (not in fork/exec)";
    }

    /** The thread's CPU time now, on the clock its spawn's start was read with, or -1. */
    private long cpuOf(SpawnProbe.InSpawn s) {
        if (s.execCpuStart < 0 || ThreadSwitches.isVirtual(s.thread)) {
            return -1;
        }
        long now = threadBean().getThreadCpuTime(s.thread.getId());
        return now < s.execCpuStart ? -1 : now;
    }

    /**
     * The stacks of {@code shown}, taken together. On JDK 21 and later, {@code Thread.getStackTrace} is a
     * handshake with that thread alone, so each is taken that way and no other thread stops. Before, each
     * call is a safepoint that stops every thread (101 of them per dump of a lock with 100 waiters, 5-17 ms
     * in all on JDK 17), so the JVM's thread dump takes them all in one safepoint instead.
     */
    private Map<Thread, StackTraceElement[]> stacksOf(List<Thread> shown) {
        Map<Thread, StackTraceElement[]> stacks = new HashMap<>();
        if (shown.isEmpty()) {
            return stacks;
        }
        if (Runtime.version().feature() >= 21) {
            for (Thread t : shown) {
                stacks.put(t, t.getStackTrace());
            }
            return stacks;
        }
        long[] ids = new long[shown.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = shown.get(i).getId();
        }
        ThreadInfo[] infos = threadBean().getThreadInfo(ids, Integer.MAX_VALUE);
        for (int i = 0; i < ids.length; i++) { // a thread that has ended meanwhile has no info: no stack
            stacks.put(shown.get(i), infos[i] == null ? new StackTraceElement[0] : infos[i].getStackTrace());
        }
        return stacks;
    }

    private ThreadMXBean threadBean() {
        if (threads == null) {
            threads = ManagementFactory.getThreadMXBean();
        }
        return threads;
    }

    private static void stack(StringBuilder out, StackTraceElement[] frames) {
        for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
            out.append("    at ").append(frames[i]).append('\n');
        }
        if (frames.length > MAX_FRAMES) {
            out.append("    ... ").append(frames.length - MAX_FRAMES).append(" more\n");
        }
    }
}
