package io.spawnlock.doctor;

import io.spawnlock.recording.Units;
import io.spawnlock.recording.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Where the time of a spawn goes, from the recorded tags alone: waiting for a spawn lock, the spawning
 * thread's CPU in fork/exec (FORK's page-table copy), waiting for the child or the kernel (descriptor sweep,
 * exec, serialized forks), and the rest of {@code start()} in Java. Names the part that dominates and
 * what fixes it. Used by {@code report}, dumps and {@code doctor}.
 */
public final class SpawnBreakdown {
    /** The parts, in the order they are shown. */
    public enum Part {
        LOCK_WAIT("waiting for a spawn lock"),
        PARENT_CPU("parent CPU in fork/exec"),
        CHILD_WAIT("waiting for the child or kernel"),
        JAVA("the rest of start(), in Java");

        final String label;

        Part(String label) {
            this.label = label;
        }
    }


    private final long spawns;
    private final double[] meanNanos = new double[Part.values().length];
    private final String mostWaitedLock;
    private final double systemShare;
    private final double descriptors;
    private final double anonNotHugeBytes;
    /** The most waited lock's mean hold per acquisition, and the mean spawn made under it (-1: none). */
    private final double holdOfMostWaited;
    private final double spawnOfMostWaited;

    private SpawnBreakdown(Map<String, Histogram> byTag, long spawns, long measured) {
        this.spawns = spawns;
        Histogram wall = merged(byTag.get(Tags.SPAWN), byTag.get(Tags.SPAWN_FAILED));
        meanNanos[Part.LOCK_WAIT.ordinal()] = sum(byTag.get(Tags.SPAWN_LOCK_WAIT)) / spawns;
        meanNanos[Part.PARENT_CPU.ordinal()] = sum(byTag.get(Tags.SPAWN_CPU)) / measured;
        meanNanos[Part.CHILD_WAIT.ordinal()] = sum(byTag.get(Tags.SPAWN_CHILD)) / measured;
        Histogram exec = byTag.get(Tags.SPAWN_EXEC);
        meanNanos[Part.JAVA.ordinal()] = Math.max(0, wall.getMean() - (exec == null ? 0 : exec.getMean()));
        double cpu = sum(byTag.get(Tags.SPAWN_CPU));
        Histogram system = byTag.get(Tags.SPAWN_CPU_SYSTEM);
        systemShare = system == null || cpu <= 0 ? -1 : sum(system) / cpu;
        descriptors = mean(byTag.get(Tags.OS_DESCRIPTORS));
        anonNotHugeBytes = mean(byTag.get(Tags.OS_ANON_NOT_HUGE));
        String lock = null;
        double most = 0;
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            if (e.getKey().startsWith(Tags.LOCK_WAIT) && sum(e.getValue()) > most) {
                most = sum(e.getValue());
                lock = e.getKey().substring(Tags.LOCK_WAIT.length());
            }
        }
        mostWaitedLock = lock;
        holdOfMostWaited = lock == null ? -1 : mean(byTag.get(Tags.LOCK_HOLD + lock));
        spawnOfMostWaited = lock == null ? -1 : mean(byTag.get(Tags.LOCK_SPAWN + lock));
    }

    /** The breakdown, or null when the tags hold no spawn with its CPU measured. */
    public static SpawnBreakdown of(Map<String, Histogram> byTag) {
        long spawns = count(byTag.get(Tags.SPAWN)) + count(byTag.get(Tags.SPAWN_FAILED));
        long measured = count(byTag.get(Tags.SPAWN_CPU));
        return spawns == 0 || measured == 0 ? null : new SpawnBreakdown(byTag, spawns, measured);
    }

    /** What makes spawns slow, by its signature in the parts. */
    public enum Cause {
        /** Threads wait for a spawn lock longer than the spawns themselves take. */
        LOCK_CONVOY,
        /** A convoy on a lock held far longer than the spawn under it: across the child's run, or its output. */
        LOCK_HELD_ACROSS_CHILD,
        /** The spawning thread burns CPU in fork/exec: FORK copying page tables (its child then tears them down). */
        PAGE_TABLE_COPY,
        /** The parent waits, off CPU, for a child that closes thousands of descriptors. */
        DESCRIPTOR_SWEEP,
        /** The parent waits, off CPU, for exec or for the kernel. */
        CHILD_OR_KERNEL,
        /** Most of start() is its Java part: nothing native is slow. */
        NONE
    }

    /**
     * The parent's CPU time in fork/exec above which the copy of page tables is the signature: a spawn of a
     * small JVM costs the parent ~0.2 ms, FORK ~8-10 ms per GiB touched. Time on the CPU, unlike its share of
     * the wall time, does not shrink on a loaded machine (two busy loops on 2 cores took FORK's share to 16%).
     */
    private static final double PAGE_TABLE_CPU_NANOS = 2e6;
    /**
     * Only with thousands of descriptors does the share decide: the sweep can cost the parent ~2 ms too,
     * but at ~5% of the native part (FORK: 30-45%, at least 16% loaded).
     */
    private static final double PAGE_TABLE_CPU_SHARE = 0.15;
    /** Line width of the cause and advice. */
    private static final int WIDTH = 100;
    /** A hold per acquisition this many times the spawn under it is not the spawn's doing. */
    private static final double HELD_ACROSS_FACTOR = 5;

    /** The cause, by signature: a convoy first (it multiplies any other), then the parent's CPU, then the child. */
    public Cause cause() {
        double lock = meanNanos(Part.LOCK_WAIT);
        double cpu = meanNanos(Part.PARENT_CPU);
        double child = meanNanos(Part.CHILD_WAIT);
        double java = meanNanos(Part.JAVA);
        if (lock <= cpu + child + java) {
            return spawnCause();
        }
        return holdOfMostWaited > 0 && spawnOfMostWaited > 0 && holdOfMostWaited >= HELD_ACROSS_FACTOR * spawnOfMostWaited
                ? Cause.LOCK_HELD_ACROSS_CHILD : Cause.LOCK_CONVOY;
    }

    /** What makes the spawns themselves slow, lock wait aside: what a convoy multiplies. */
    public Cause spawnCause() {
        double cpu = meanNanos(Part.PARENT_CPU);
        double child = meanNanos(Part.CHILD_WAIT);
        double java = meanNanos(Part.JAVA);
        boolean manyDescriptors = descriptors >= Rules.MANY_DESCRIPTORS;
        if (cpu >= PAGE_TABLE_CPU_NANOS && (!manyDescriptors || cpu >= PAGE_TABLE_CPU_SHARE * (cpu + child))) {
            return Cause.PAGE_TABLE_COPY;
        }
        if (child >= java) {
            return manyDescriptors ? Cause.DESCRIPTOR_SWEEP : Cause.CHILD_OR_KERNEL;
        }
        return Cause.NONE;
    }

    public double meanNanos(Part p) {
        return meanNanos[p.ordinal()];
    }

    /** A few lines for people: the parts with their share, then the cause and its advice. */
    public List<String> lines() {
        double total = 0;
        for (double m : meanNanos) {
            total += m;
        }
        List<String> lines = new ArrayList<>();
        lines.add("Where a spawn's time goes (mean per spawn, " + spawns + " spawns):");
        for (Part p : Part.values()) {
            double m = meanNanos[p.ordinal()];
            lines.add(String.format(Locale.ROOT, "  %-34s %9s %4.0f%%%s", p.label, Units.nanos(m),
                    total > 0 ? 100 * m / total : 0, detail(p)));
        }
        // The cause, then each piece of advice, on lines of their own, wrapped for a terminal.
        String[] parts = ("Cause: " + explain()).split(" (?=Advice: |Each spawn under it )");
        for (String part : parts) {
            lines.addAll(wrap(part, WIDTH, "        "));
        }
        return lines;
    }

    /** The verdict in a few words: the cause's name, and the lock's where a lock is the cause. */
    public String verdict() {
        Cause cause = cause();
        String lock = mostWaitedLock == null ? "a spawn lock" : mostWaitedLock;
        switch (cause) {
            case LOCK_CONVOY:
                return "lock convoy on " + lock;
            case LOCK_HELD_ACROSS_CHILD:
                return "lock held across the child's run: " + lock;
            default:
                String text = explain(cause);
                return text.substring(0, text.indexOf(':'));
        }
    }

    /** Lines of at most {@code width} characters, broken at spaces (a longer word stands alone). */
    static List<String> wrap(String text, int width, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() == 0) {
                line.append(word);
            } else if (line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(indent).append(word);
            } else {
                line.append(' ').append(word);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    private String detail(Part p) {
        switch (p) {
            case LOCK_WAIT:
                return mostWaitedLock == null ? "" : "  (most waited: " + mostWaitedLock + ")";
            case PARENT_CPU:
                return systemShare < 0 ? "" : String.format(Locale.ROOT, "  (%.0f%% in the kernel)", 100 * systemShare);
            case CHILD_WAIT:
                return descriptors < 0 ? "" : String.format(Locale.ROOT, "  (%.0f open descriptors)", descriptors);
            default:
                return "";
        }
    }

    private String explain() {
        Cause cause = cause();
        if (cause == Cause.LOCK_HELD_ACROSS_CHILD) {
            return "lock held across the child's run: threads wait for " + mostWaitedLock + ", whose holder keeps it "
                    + Units.nanos(holdOfMostWaited) + " per acquisition while the spawn under it takes "
                    + Units.nanos(spawnOfMostWaited) + ": the rest is the holder waiting for its child (waitFor) or"
                    + " reading its output under the lock (a dump's holder stack shows which). Advice: release the"
                    + " lock after start(); wait for the child and read its output outside it.";
        }
        if (cause == Cause.LOCK_CONVOY) {
            Cause underneath = spawnCause();
            return "lock convoy: threads wait for " + (mostWaitedLock == null ? "a spawn lock" : mostWaitedLock)
                    + " longer than a spawn takes, while its holder spawns. Advice: do not hold the lock across"
                    + " start(); if it must be held, make each spawn cheaper."
                    + (underneath == Cause.NONE ? "" : " Each spawn under it is slow of its own: " + explain(underneath));
        }
        return explain(cause);
    }

    private String explain(Cause cause) {
        switch (cause) {
            case PAGE_TABLE_COPY:
                return "page-table copy: the spawning thread burns CPU in fork/exec, as FORK copies the page tables of"
                        + " the JVM" + (anonNotHugeBytes < 0 ? "" : " (" + Units.bytes(anonNotHugeBytes)
                        + " of anonymous memory not on huge pages)") + " and its child tears them down again at exec."
                        + " Advice: use POSIX_SPAWN (remove -Djdk.lang.Process.launchMechanism=FORK), or put the heap"
                        + " on huge pages (-XX:+UseTransparentHugePages).";
            case DESCRIPTOR_SWEEP:
                return String.format(Locale.ROOT, "descriptor sweep: the parent waits for its child to close each of"
                        + " ~%.0f open descriptors before exec (~%.0f ms at ~2.8 µs each here), with little CPU of its own."
                        + " Advice: close the descriptors you do not need.",
                        descriptors, descriptors * Rules.CLOSE_US_PER_DESCRIPTOR / 1000);
            case CHILD_OR_KERNEL:
                return "waiting for the child or the kernel: exec of the program, or forks serialized in the kernel"
                        + " (concurrent spawns). Advice: spawn less often or from fewer threads at once.";
            default:
                return "nothing slow in the native part: most of start() is Java around the native call (pipes,"
                        + " streams, checks).";
        }
    }

    private static long count(Histogram h) {
        return h == null ? 0 : h.getTotalCount();
    }

    private static double sum(Histogram h) {
        return h == null ? 0 : h.getMean() * h.getTotalCount();
    }

    private static double mean(Histogram h) {
        return h == null || h.getTotalCount() == 0 ? -1 : h.getMean();
    }

    private static Histogram merged(Histogram a, Histogram b) {
        Histogram all = new Histogram(2);
        if (a != null) {
            all.add(a);
        }
        if (b != null) {
            all.add(b);
        }
        return all;
    }
}
