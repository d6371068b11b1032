package io.spawnlock.config;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent's options, {@code key=value} pairs separated by commas (the contract, in docs/AGENT.md).
 * Parsing is all-or-nothing: any bad key or value is an {@link OptionException} naming the key and the
 * valid choices.
 */
public final class AgentOptions {
    public static final String OFF = "off";

    public enum Args { NONE, REDACTED, FULL }

    /** Keys in the order docs/AGENT.md documents them. */
    public static final List<String> KEYS = Collections.unmodifiableList(Arrays.asList(
            "log", "interval", "locks", "spawns", "discover", "signal", "dumps", "dumpEvery", "dumpOnWait", "maxDumps", "args", "strict", "metrics", "jmx", "accept"));

    /** Signals a dump may be tied to. USR2 is JFR's sampler signal; TERM/INT/HUP carry shutdown hooks. */
    private static final List<String> SIGNALS = Arrays.asList(io.spawnlock.agent.DumpSignal.SIGNALS.split(","));

    private static final long MIN_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_INTERVAL = TimeUnit.HOURS.toNanos(1);

    private String log = "spawnlock-%p.hlog";
    private long intervalNanos = TimeUnit.SECONDS.toNanos(5);
    private List<String> locks = Collections.emptyList();
    private List<String> spawns = Collections.emptyList();
    private boolean discover = true;
    private String signal = io.spawnlock.agent.DumpSignal.DEFAULT;
    private String dumps = "spawnlock-dumps-%p";
    private long dumpEveryNanos = 0L;
    private long dumpOnWaitNanos = 0L;
    private int maxDumps = 100;
    private Args args = Args.NONE;
    private boolean strict = false;
    private String metrics = OFF;
    private boolean jmx = true;
    private boolean accept = true;

    private AgentOptions() {}

    public static AgentOptions defaults() {
        return new AgentOptions();
    }

    /**
     * Whether the raw option string asks for strict handling. Read before full parsing, so that even
     * a parse failure knows whether to stop the JVM.
     */
    public static boolean requestsStrict(String raw) {
        if (raw == null) {
            return false;
        }
        for (String item : raw.split(",")) {
            int eq = item.indexOf('=');
            if (eq > 0 && item.substring(0, eq).trim().equals("strict")) {
                return "true".equalsIgnoreCase(item.substring(eq + 1).trim());
            }
        }
        return false;
    }

    public static AgentOptions parse(String raw) {
        AgentOptions o = new AgentOptions();
        if (raw == null || raw.trim().isEmpty()) {
            return o;
        }
        Set<String> seen = new HashSet<>();
        for (String item : raw.split(",")) {
            if (item.trim().isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new OptionException("option '" + item.trim() + "' has no value: write key=value (keys: "
                        + String.join(", ", KEYS) + ")");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new OptionException("unknown option '" + key + "' (valid: " + String.join(", ", KEYS) + ")");
            }
            if (!seen.add(key)) {
                throw new OptionException("option '" + key + "' is given twice");
            }
            if (value.isEmpty()) {
                throw new OptionException("option '" + key + "' has an empty value");
            }
            o.set(key, value);
        }
        return o;
    }

    private void set(String key, String value) {
        switch (key) {
            case "log": log = value; break;
            case "interval": intervalNanos = duration(key, value, MIN_INTERVAL, MAX_INTERVAL); break;
            case "locks": locks = lockSites(value); break;
            case "spawns": spawns = entryPoints(value); break;
            case "discover": discover = onOff(key, value); break;
            case "signal": signal = signal(value); break;
            case "dumps": dumps = value; break;
            case "dumpEvery": dumpEveryNanos = durationOrOff(key, value, TimeUnit.SECONDS.toNanos(1)); break;
            case "dumpOnWait": dumpOnWaitNanos = durationOrOff(key, value, TimeUnit.MILLISECONDS.toNanos(1)); break;
            case "maxDumps": maxDumps = count(key, value, 1, 10_000); break;
            case "args": args = choice(key, value, Args.class); break;
            case "strict": strict = trueFalse(key, value); break;
            case "metrics": metrics = value; break;
            case "jmx": jmx = onOff(key, value); break;
            case "accept": accept = onOff(key, value); break;
            default: throw new AssertionError(key);
        }
    }

    private static int count(String key, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new OptionException("option " + key + "=" + value + " is not a whole number (" + min + " to " + max + ")");
        }
        if (n < min || n > max) {
            throw new OptionException("option " + key + "=" + value + " is out of range (" + min + " to " + max + ")");
        }
        return n;
    }

    private static long duration(String key, String value, long min, long max) {
        long nanos;
        try {
            nanos = Durations.parseNanos(value);
        } catch (IllegalArgumentException e) {
            throw new OptionException("option " + key + ": " + e.getMessage());
        }
        if (nanos < min || nanos > max) {
            throw new OptionException("option " + key + "=" + value + " is out of range ("
                    + (max == Long.MAX_VALUE ? "at least " + Durations.format(min)
                                             : Durations.format(min) + " to " + Durations.format(max)) + ")");
        }
        return nanos;
    }

    private static long durationOrOff(String key, String value, long min) {
        return OFF.equalsIgnoreCase(value) ? 0L : duration(key, value, min, Long.MAX_VALUE);
    }

    private static boolean onOff(String key, String value) {
        if ("on".equalsIgnoreCase(value)) {
            return true;
        }
        if (OFF.equalsIgnoreCase(value)) {
            return false;
        }
        throw new OptionException("option " + key + "=" + value + " is not valid (use on or off)");
    }

    private static boolean trueFalse(String key, String value) {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new OptionException("option " + key + "=" + value + " is not valid (use true or false)");
    }

    private static <E extends Enum<E>> E choice(String key, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new OptionException("option " + key + "=" + value + " is not valid (use " + String.join(", ", names) + ")");
    }

    private static String signal(String value) {
        if (OFF.equalsIgnoreCase(value)) {
            return OFF;
        }
        String name = value.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        if (SIGNALS.contains(name)) {
            return name;
        }
        throw new OptionException("option signal=" + value + " is not valid (use " + String.join(", ", SIGNALS)
                + " or off; USR2 would silence JFR's sampler, TERM/INT/HUP carry the JVM's shutdown)");
    }

    private static List<String> lockSites(String value) {
        return names(value, s -> isLockSite(s), "option locks: '%s' is not a lock site (use com.acme.Gate#start"
                + " for the locks taken in a method, or com.acme.Gate.LOCK for the lock in a field)",
                "option locks has no site (use com.acme.Gate#start or com.acme.Gate.LOCK)");
    }

    /** The {@code spawns} entries, {@code com.acme.Launcher#launch}: methods measured as spawns of their own. */
    private static List<String> entryPoints(String value) {
        return names(value, s -> s.indexOf('#') > 0 && isLockSite(s), "option spawns: '%s' is not a method (use"
                + " com.acme.Launcher#launch; every overload of the name is measured)",
                "option spawns has no method (use com.acme.Launcher#launch)");
    }

    /** A {@code ;}-separated list of names, each {@code valid}; {@code bad} (with the name) and {@code none} say why not. */
    private static List<String> names(String value, java.util.function.Predicate<String> valid, String bad, String none) {
        List<String> names = new ArrayList<>();
        for (String item : value.split(";")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!valid.test(s)) {
                throw new OptionException(String.format(Locale.ROOT, bad, s));
            }
            names.add(s);
        }
        if (names.isEmpty()) {
            throw new OptionException(none);
        }
        return Collections.unmodifiableList(names);
    }

    /** The class of a lock site, {@code com.acme.Gate} for {@code com.acme.Gate#start} and {@code com.acme.Gate.LOCK}. */
    public static String lockSiteClass(String site) {
        int hash = site.indexOf('#');
        return site.substring(0, hash >= 0 ? hash : site.lastIndexOf('.'));
    }

    /**
     * Internal names of the classes the {@code locks} sites and the {@code spawns} entry points are in: held at
     * load until their rewriters are ready.
     */
    public Set<String> namedClasses() {
        Set<String> classes = new HashSet<>();
        for (String site : locks) {
            classes.add(lockSiteClass(site).replace('.', '/'));
        }
        for (String entry : spawns) {
            classes.add(lockSiteClass(entry).replace('.', '/'));
        }
        return Collections.unmodifiableSet(classes);
    }

    private static boolean isLockSite(String s) {
        int hash = s.indexOf('#');
        String type = hash < 0 ? s : s.substring(0, hash);
        String[] parts = type.split("\\.", -1); // a one-char split: no regex engine at start-up
        if (hash < 0 && parts.length < 2) {
            return false; // Class.FIELD needs at least both parts
        }
        for (String part : parts) {
            if (!isJavaName(part)) {
                return false;
            }
        }
        return hash < 0 || isJavaName(s.substring(hash + 1));
    }

    private static boolean isJavaName(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Expands {@code %p} (pid) and {@code %t} (start time, local, {@code yyyyMMdd'T'HHmmss}). */
    public static String expand(String pattern, long pid, LocalDateTime start) {
        String expanded = pattern.replace("%p", Long.toString(pid));
        return expanded.contains("%t")
                ? expanded.replace("%t", start.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")))
                : expanded;
    }

    /** The effective options, for the log header: what was in force is part of the record. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log", log);
        m.put("interval", Durations.format(intervalNanos));
        m.put("locks", locks.isEmpty() ? "" : String.join(";", locks));
        m.put("spawns", String.join(";", spawns));
        m.put("discover", discover ? "on" : OFF);
        m.put("signal", signal);
        m.put("dumps", dumps);
        m.put("dumpEvery", dumpEveryNanos == 0 ? OFF : Durations.format(dumpEveryNanos));
        m.put("dumpOnWait", dumpOnWaitNanos == 0 ? OFF : Durations.format(dumpOnWaitNanos));
        m.put("maxDumps", Integer.toString(maxDumps));
        m.put("args", args.name().toLowerCase(Locale.ROOT));
        m.put("strict", Boolean.toString(strict));
        m.put("metrics", metrics);
        m.put("jmx", jmx ? "on" : OFF);
        m.put("accept", accept ? "on" : OFF);
        return m;
    }

    public boolean logEnabled() { return !OFF.equalsIgnoreCase(log); }
    /** The OpenMetrics textfile's path pattern, or "off" (the default). */
    public String metrics() { return metrics; }
    public boolean metricsEnabled() { return !OFF.equalsIgnoreCase(metrics); }
    /** Whether the agent registers its MBean in the platform MBean server. */
    public boolean jmx() { return jmx; }
    /** Whether listening NIO channels are measured for accept herds. */
    public boolean accept() { return accept; }
    public String log() { return log; }
    public long intervalNanos() { return intervalNanos; }
    public List<String> locks() { return locks; }
    /** The methods named as spawn entry points, {@code com.acme.Launcher#launch}. */
    public List<String> spawns() { return spawns; }
    public boolean discover() { return discover; }
    public String signal() { return signal; }
    public String dumps() { return dumps; }
    public long dumpEveryNanos() { return dumpEveryNanos; }
    public long dumpOnWaitNanos() { return dumpOnWaitNanos; }
    public int maxDumps() { return maxDumps; }
    public Args args() { return args; }
    public boolean strict() { return strict; }
}
