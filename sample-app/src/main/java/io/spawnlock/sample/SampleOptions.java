package io.spawnlock.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The sample app's command line. */
final class SampleOptions implements Cloneable {
    enum LockMode { SYNCHRONIZED, REENTRANT, NONE }

    static final String HELP = String.join("\n",
            "usage: java -jar spawnlock-sample.jar [options]",
            "",
            "N threads spawn a command, each spawn under one shared lock, as services with a spawn lock do.",
            "",
            "  --threads N        spawning threads (default 4)",
            "  --spawns N         spawns per thread (default 25)",
            "  --duration D       run for D (e.g. 500ms, 10s, 2m) instead of a number of spawns",
            "  --warmup D         spawn the same way for D first, left out of the summary (steady state)",
            "  --lock MODE        synchronized | reentrant | none (default synchronized)",
            "  --heap-gib G       touch G GiB of heap first, so FORK's page-table copy shows (needs -Xmx above G)",
            "  --open-files N     open N extra descriptors first (without close-on-exec), so the child's",
            "                     descriptor sweep shows; needs ulimit -n above N (default 0)",
            "  --command CMD      the command to spawn, split at spaces (default: true)",
            "  --fail-every N     every Nth spawn of each thread runs a missing program and fails (default 0: none)",
            "  --exec             spawn with Runtime.exec instead of ProcessBuilder.start",
            "  --herd KIND        reproduce a thundering herd instead (see below): accept | notify",
            "  --herd-threads N   selector threads (accept) or waiting consumers (notify) (default 4)",
            "  --herd-items N     connections (accept) or jobs (notify), one at a time (default 200)",
            "  --fixed            the herd's fix: accept -> one listening channel per selector (SO_REUSEPORT);",
            "                     notify -> notify()/signal() instead of notifyAll()/signalAll()",
            "  --linger D         stay alive for D after the run (e.g. 30s), for `doctor <pid>` or `dump <pid>`",
            "  --help             this text",
            "",
            "It ends with a summary: spawns, failures, throughput and its own start() latency.",
            "",
            "Herds: --herd accept registers one listening channel with N selectors, each on its own thread, and",
            "makes the connections; --herd notify has N consumers wait under a lock (--lock) for jobs announced",
            "with notifyAll/signalAll, each job spawning --command under the lock. Their summary counts the",
            "connections and null accepts, or the jobs and the wakeups that found no job (futile).");

    int threads = 4;
    int spawnsPerThread = 25;
    long durationNanos = 0L;
    long warmupNanos = 0L;
    LockMode lock = LockMode.SYNCHRONIZED;
    double heapGib = 0;
    List<String> command = Arrays.asList("true");
    int failEvery = 0;
    int openFiles = 0;
    boolean useRuntimeExec = false;
    boolean help = false;
    /** "accept" or "notify", or null: spawn as usual. */
    String herd;
    int herdThreads = 4;
    int herdItems = 200;
    boolean fixed = false;
    long lingerNanos = 0L;

    /** The same spawning for {@code nanos} and no warm-up of its own: the warm-up run. */
    SampleOptions warmUp() {
        try {
            SampleOptions w = (SampleOptions) clone();
            w.durationNanos = warmupNanos;
            w.warmupNanos = 0L;
            return w;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    static SampleOptions parse(String[] args) {
        SampleOptions o = new SampleOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                case "--exec":
                    o.useRuntimeExec = true;
                    break;
                case "--threads":
                    o.threads = positive(a, value(args, ++i, a));
                    break;
                case "--spawns":
                    o.spawnsPerThread = nonNegative(a, value(args, ++i, a));
                    break;
                case "--duration":
                    o.durationNanos = duration(a, value(args, ++i, a));
                    break;
                case "--warmup":
                    o.warmupNanos = duration(a, value(args, ++i, a));
                    break;
                case "--linger":
                    o.lingerNanos = duration(a, value(args, ++i, a));
                    break;
                case "--lock":
                    o.lock = lockMode(value(args, ++i, a));
                    break;
                case "--heap-gib":
                    o.heapGib = heap(value(args, ++i, a));
                    break;
                case "--command":
                    o.command = command(value(args, ++i, a));
                    break;
                case "--open-files":
                    o.openFiles = nonNegative(a, value(args, ++i, a));
                    break;
                case "--herd":
                    o.herd = herd(value(args, ++i, a));
                    break;
                case "--herd-threads":
                    o.herdThreads = positive(a, value(args, ++i, a));
                    break;
                case "--herd-items":
                    o.herdItems = positive(a, value(args, ++i, a));
                    break;
                case "--fixed":
                    o.fixed = true;
                    break;
                case "--fail-every":
                    o.failEvery = nonNegative(a, value(args, ++i, a));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + a + "' (try --help)");
            }
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value (try --help)");
        }
        return args[i];
    }

    private static int positive(String option, String v) {
        int n = nonNegative(option, v);
        if (n == 0) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(option + " takes a whole number >= 0, not '" + v + "'");
    }

    private static long duration(String option, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (s.endsWith("ms")) {
            unit = 1_000_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unit = 1_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unit = 60_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else {
            throw new IllegalArgumentException(option + " needs a unit: 500ms, 10s or 2m, not '" + v + "'");
        }
        try {
            long n = Long.parseLong(number);
            if (n > 0) {
                return n * unit;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException(option + " takes a positive duration like 500ms, 10s or 2m, not '" + v + "'");
    }

    private static LockMode lockMode(String v) {
        for (LockMode m : LockMode.values()) {
            if (m.name().equalsIgnoreCase(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--lock takes synchronized, reentrant or none, not '" + v + "'");
    }

    private static String herd(String v) {
        if (v.equals("accept") || v.equals("notify")) {
            return v;
        }
        throw new IllegalArgumentException("--herd takes accept or notify, not '" + v + "'");
    }

    private static double heap(String v) {
        try {
            double g = Double.parseDouble(v);
            if (g >= 0 && g <= 1024) {
                return g;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--heap-gib takes a number of GiB from 0 to 1024, not '" + v + "'");
    }

    private static List<String> command(String v) {
        List<String> parts = new ArrayList<>();
        for (String p : v.trim().split("\\s+")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("--command needs a program to run");
        }
        return parts;
    }
}
