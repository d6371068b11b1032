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
 *
 * <p>Every option is one {@link Option} in {@link #TABLE}: its key, its default, and the kind of value it
 * takes, from which parsing, its error messages, {@link #describe} (the log header) and the list of keys
 * all come; an accessor only reads it. AgentOptionsTest holds docs/AGENT.md's table of options to it.
 */
public final class AgentOptions {
    public static final String OFF = "off";

    public enum Args { NONE, REDACTED, FULL }

    /** The kinds of value an option takes: how it is read, checked and shown. */
    private enum Kind { TEXT, DURATION, DURATION_OR_OFF, ON_OFF, TRUE_FALSE, COUNT, ARGS, SIGNAL, LOCK_SITES, ENTRY_POINTS }

    /** One option. */
    public static final class Option {
        public final String key;
        private final Kind kind;
        private final Object defaultValue;
        private final long min;
        private final long max;
        private final int index;

        private Option(String key, Kind kind, Object defaultValue, long min, long max) {
            this.key = key;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.min = min;
            this.max = max;
            this.index = TABLE_BUILDER.size();
            TABLE_BUILDER.add(this);
        }

        /** The default, as {@link #describe} shows it and docs/AGENT.md lists it. */
        public String shownDefault() {
            return show(defaultValue);
        }

        private Object parse(String value) {
            switch (kind) {
                case TEXT: return value;
                case DURATION: return duration(key, value, min, max);
                case DURATION_OR_OFF: return OFF.equalsIgnoreCase(value) ? 0L : duration(key, value, min, Long.MAX_VALUE);
                case ON_OFF: return onOff(key, value);
                case TRUE_FALSE: return trueFalse(key, value);
                case COUNT: return count(key, value, (int) min, (int) max);
                case ARGS: return choice(key, value, Args.class);
                case SIGNAL: return signal(key, value);
                case LOCK_SITES: return lockSites(key, value);
                case ENTRY_POINTS: return entryPoints(key, value);
                default: throw new AssertionError(kind);
            }
        }

        @SuppressWarnings("unchecked")
        private String show(Object value) {
            switch (kind) {
                case DURATION: return Durations.format((Long) value);
                case DURATION_OR_OFF: return (Long) value == 0 ? OFF : Durations.format((Long) value);
                case ON_OFF: return (Boolean) value ? "on" : OFF;
                case ARGS: return ((Args) value).name().toLowerCase(Locale.ROOT);
                case LOCK_SITES:
                case ENTRY_POINTS: return String.join(";", (List<String>) value);
                default: return String.valueOf(value);
            }
        }
    }

    private static final List<Option> TABLE_BUILDER = new ArrayList<>();
    private static final long NO_BOUND = 0;

    // In the order the log header lists them. The three the launcher reads before the core is there take
    // their keys from it (compile-time constants: nothing is loaded for them).
    public static final Option LOG = new Option("log", Kind.TEXT, "spawnlock-%p.hlog", NO_BOUND, NO_BOUND);
    public static final Option INTERVAL = new Option("interval", Kind.DURATION, TimeUnit.SECONDS.toNanos(5),
            TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.HOURS.toNanos(1));
    public static final Option LOCKS = new Option(io.spawnlock.agent.Launcher.LOCKS, Kind.LOCK_SITES,
            Collections.emptyList(), NO_BOUND, NO_BOUND);
    public static final Option SPAWNS = new Option(io.spawnlock.agent.Launcher.SPAWNS, Kind.ENTRY_POINTS,
            Collections.emptyList(), NO_BOUND, NO_BOUND);
    public static final Option DISCOVER = new Option("discover", Kind.ON_OFF, true, NO_BOUND, NO_BOUND);
    public static final Option SIGNAL = new Option(io.spawnlock.agent.DumpSignal.KEY, Kind.SIGNAL,
            io.spawnlock.agent.DumpSignal.DEFAULT, NO_BOUND, NO_BOUND);
    public static final Option DUMPS = new Option("dumps", Kind.TEXT, "spawnlock-dumps-%p", NO_BOUND, NO_BOUND);
    public static final Option DUMP_EVERY = new Option("dumpEvery", Kind.DURATION_OR_OFF, 0L,
            TimeUnit.SECONDS.toNanos(1), NO_BOUND);
    public static final Option DUMP_ON_WAIT = new Option("dumpOnWait", Kind.DURATION_OR_OFF, 0L,
            TimeUnit.MILLISECONDS.toNanos(1), NO_BOUND);
    public static final Option MAX_DUMPS = new Option("maxDumps", Kind.COUNT, 100, 1, 10_000);
    public static final Option ARGS = new Option("args", Kind.ARGS, Args.NONE, NO_BOUND, NO_BOUND);
    public static final Option STRICT = new Option(io.spawnlock.agent.Launcher.STRICT, Kind.TRUE_FALSE, false, NO_BOUND, NO_BOUND);
    public static final Option METRICS = new Option("metrics", Kind.TEXT, OFF, NO_BOUND, NO_BOUND);
    public static final Option JMX = new Option("jmx", Kind.ON_OFF, true, NO_BOUND, NO_BOUND);
    public static final Option ACCEPT = new Option("accept", Kind.ON_OFF, true, NO_BOUND, NO_BOUND);

    /** Every option, in the order the log header lists them. */
    public static final List<Option> TABLE = Collections.unmodifiableList(new ArrayList<>(TABLE_BUILDER));
    /** Their keys, in that order. */
    public static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>();
        for (Option o : TABLE) {
            keys.add(o.key);
        }
        KEYS = Collections.unmodifiableList(keys);
    }

    /** Signals a dump may be tied to. USR2 is JFR's sampler signal; TERM/INT/HUP carry shutdown hooks. */
    private static final List<String> SIGNALS = Arrays.asList(io.spawnlock.agent.DumpSignal.SIGNALS.split(","));

    private final Object[] values = new Object[TABLE.size()];

    private AgentOptions() {
        for (Option o : TABLE) {
            values[o.index] = o.defaultValue;
        }
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
            if (eq > 0 && item.substring(0, eq).trim().equals(STRICT.key)) {
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
            Option option = option(key);
            if (option == null) {
                throw new OptionException("unknown option '" + key + "' (valid: " + String.join(", ", KEYS) + ")");
            }
            if (!seen.add(key)) {
                throw new OptionException("option '" + key + "' is given twice");
            }
            if (value.isEmpty()) {
                throw new OptionException("option '" + key + "' has an empty value");
            }
            o.values[option.index] = option.parse(value);
        }
        return o;
    }

    private static Option option(String key) {
        for (Option o : TABLE) {
            if (o.key.equals(key)) {
                return o;
            }
        }
        return null;
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

    private static String signal(String key, String value) {
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
        throw new OptionException("option " + key + "=" + value + " is not valid (use " + String.join(", ", SIGNALS)
                + " or off; USR2 would silence JFR's sampler, TERM/INT/HUP carry the JVM's shutdown)");
    }

    private static List<String> lockSites(String key, String value) {
        return names(value, s -> isLockSite(s), "option " + key + ": '%s' is not a lock site (use com.acme.Gate#start"
                + " for the locks taken in a method, or com.acme.Gate.LOCK for the lock in a field)",
                "option " + key + " has no site (use com.acme.Gate#start or com.acme.Gate.LOCK)");
    }

    /** The {@code spawns} entries, {@code com.acme.Launcher#launch}: methods measured as spawns of their own. */
    private static List<String> entryPoints(String key, String value) {
        return names(value, s -> s.indexOf('#') > 0 && isLockSite(s), "option " + key + ": '%s' is not a method (use"
                + " com.acme.Launcher#launch; every overload of the name is measured)",
                "option " + key + " has no method (use com.acme.Launcher#launch)");
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
        for (String site : locks()) {
            classes.add(lockSiteClass(site).replace('.', '/'));
        }
        for (String entry : spawns()) {
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
        for (Option o : TABLE) {
            m.put(o.key, o.show(values[o.index]));
        }
        return m;
    }

    private Object get(Option o) {
        return values[o.index];
    }

    @SuppressWarnings("unchecked")
    private List<String> names(Option o) {
        return (List<String>) values[o.index];
    }

    public boolean logEnabled() { return !OFF.equalsIgnoreCase(log()); }
    /** The OpenMetrics textfile's path pattern, or "off" (the default). */
    public String metrics() { return (String) get(METRICS); }
    public boolean metricsEnabled() { return !OFF.equalsIgnoreCase(metrics()); }
    /** Whether the agent registers its MBean in the platform MBean server. */
    public boolean jmx() { return (Boolean) get(JMX); }
    /** Whether listening NIO channels are measured for accept herds. */
    public boolean accept() { return (Boolean) get(ACCEPT); }
    public String log() { return (String) get(LOG); }
    public long intervalNanos() { return (Long) get(INTERVAL); }
    public List<String> locks() { return names(LOCKS); }
    /** The methods named as spawn entry points, {@code com.acme.Launcher#launch}. */
    public List<String> spawns() { return names(SPAWNS); }
    public boolean discover() { return (Boolean) get(DISCOVER); }
    public String signal() { return (String) get(SIGNAL); }
    public String dumps() { return (String) get(DUMPS); }
    public long dumpEveryNanos() { return (Long) get(DUMP_EVERY); }
    public long dumpOnWaitNanos() { return (Long) get(DUMP_ON_WAIT); }
    public int maxDumps() { return (Integer) get(MAX_DUMPS); }
    public Args args() { return (Args) get(ARGS); }
}
