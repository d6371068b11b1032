package io.spawnlock.doctor;

import io.spawnlock.recording.Tags;
import io.spawnlock.recording.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Thundering herds, from the recorded tags alone: listening ports whose every connection wakes several
 * selector threads, and spawn locks whose notifyAll/signalAll wakes waiters only for them to wait again.
 * Names each herd and the fix. Used by {@code report}, dumps and {@code doctor}.
 */
public final class Herds {
    /** A broadcast herd needs this many broadcasts before it is named: one notifyAll at shutdown is not a habit. */
    static final long MIN_BROADCASTS = 10;
    /** ...moving at least this many waiters on average... */
    static final double MIN_MOVED = 2;
    /** ...of which at least this many per broadcast woke for nothing. */
    static final double MIN_FUTILE_PER_BROADCAST = 0.5;

    private Herds() {}

    /** What the tags show of herds, a few lines for people; empty when they hold no accept or broadcast. */
    public static List<String> lines(Map<String, Histogram> byTag) {
        List<String> lines = new ArrayList<>();
        List<String> ports = suffixes(byTag, Tags.ACCEPT_SELECTORS);
        if (!ports.isEmpty()) {
            lines.add("Accept paths, per listening port:");
            for (String port : ports) {
                accept(port, byTag, lines);
            }
        }
        List<String> locks = suffixes(byTag, Tags.LOCK_BROADCAST);
        for (String lock : suffixes(byTag, Tags.LOCK_FUTILE)) {
            if (!locks.contains(lock)) {
                locks.add(lock);
            }
        }
        if (!locks.isEmpty()) {
            lines.add("Waits under spawn locks:");
            for (String lock : locks) {
                broadcast(lock, byTag, lines);
            }
        }
        return lines;
    }

    /** Whether the tags show a herd on the accept path of {@code port}. */
    public static boolean acceptHerd(String port, Map<String, Histogram> byTag) {
        return selectors(byTag.get(Tags.ACCEPT_SELECTORS + port)) >= 2;
    }

    /** Whether the tags show a broadcast herd under spawn lock {@code lock}. */
    public static boolean broadcastHerd(String lock, Map<String, Histogram> byTag) {
        Histogram broadcasts = byTag.get(Tags.LOCK_BROADCAST + lock);
        long n = count(broadcasts);
        return n >= MIN_BROADCASTS && broadcasts.getMean() >= MIN_MOVED
                && count(byTag.get(Tags.LOCK_FUTILE + lock)) >= MIN_FUTILE_PER_BROADCAST * n;
    }

    private static void accept(String port, Map<String, Histogram> byTag, List<String> lines) {
        Histogram accepted = byTag.get(Tags.ACCEPT_SELECTORS + port);
        long connections = count(accepted);
        long selectors = selectors(accepted);
        Histogram wakeups = byTag.get(Tags.ACCEPT_WAKEUPS + port);
        long nulls = count(byTag.get(Tags.ACCEPT_NULL + port));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  port %s: %d connections, its channel"
                + " registered with %d selector%s", port, connections, selectors, selectors == 1 ? "" : "s"));
        if (count(wakeups) > 0) {
            line.append(String.format(Locale.ROOT, "; %.1f wakeups of its accepting threads per connection",
                    wakeups.getMean()));
        }
        if (connections > 0) {
            line.append(String.format(Locale.ROOT, "; %.2f accepts per connection found nothing (a lower bound)",
                    (double) nulls / connections));
        }
        lines.add(line.toString());
        if (acceptHerd(port, byTag)) {
            lines.add(String.format(Locale.ROOT, "  Herd on port %s: every connection wakes the threads of all %d"
                    + " selectors; one accepts, the others find nothing. Advice: accept on one thread (one selector"
                    + " for the listening channel, connections handed to the others), or give each selector its own"
                    + " listening channel bound with SO_REUSEPORT.", port, selectors));
        }
    }

    private static void broadcast(String lock, Map<String, Histogram> byTag, List<String> lines) {
        Histogram broadcasts = byTag.get(Tags.LOCK_BROADCAST + lock);
        Histogram futile = byTag.get(Tags.LOCK_FUTILE + lock);
        long n = count(broadcasts);
        StringBuilder line = new StringBuilder("  " + lock + ": ");
        line.append(n == 0 ? "no notifyAll/signalAll" : String.format(Locale.ROOT,
                "%d notifyAll/signalAll moved %.1f waiters each", n, broadcasts.getMean()));
        line.append(String.format(Locale.ROOT, "; %d futile wakeups", count(futile)));
        if (count(futile) > 0) {
            line.append(" (").append(n == 0 ? "" : String.format(Locale.ROOT, "%.1f per broadcast, ",
                    (double) count(futile) / n)).append(Units.nanos(futile.getMean())).append(" holding the lock each)");
        }
        lines.add(line.toString());
        if (broadcastHerd(lock, byTag)) {
            lines.add("  Herd on " + lock + ": each notifyAll/signalAll wakes every waiter, and most of them only wait"
                    + " again, one after another under the lock. Advice: wake one waiter per item (notify()/signal()),"
                    + " or give each kind of waiter its own Condition.");
        }
    }

    /** The selectors a port's channel was typically registered with (the median per connection), or 0. */
    private static long selectors(Histogram accepted) {
        return count(accepted) == 0 ? 0 : accepted.getValueAtPercentile(50);
    }

    private static List<String> suffixes(Map<String, Histogram> byTag, String prefix) {
        List<String> names = new ArrayList<>();
        for (String tag : byTag.keySet()) {
            if (tag.startsWith(prefix)) {
                names.add(tag.substring(prefix.length()));
            }
        }
        return names;
    }

    private static long count(Histogram h) {
        return h == null ? 0 : h.getTotalCount();
    }
}
