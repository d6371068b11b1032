package io.spawnlock.recording;

/** Histogram log tags (the contract, documented in docs/LOG.md). */
public final class Tags {
    /** Wall time of one successful {@code ProcessBuilder.start()}. */
    public static final String SPAWN = "spawn";
    /** Wall time of one {@code start()} that threw. */
    public static final String SPAWN_FAILED = "spawn.failed";
    /** The native fork/exec part of one spawn (failed ones included when they reached it). */
    public static final String SPAWN_EXEC = "spawn.exec";
    /** CPU time (user + system) of the spawning thread in the native part: FORK's page-table copy shows here. */
    public static final String SPAWN_CPU = "spawn.cpu";
    /** The system part of {@link #SPAWN_CPU} (with JNA only). */
    public static final String SPAWN_CPU_SYSTEM = "spawn.cpu.sys";
    /**
     * Wall time of the native part off the spawning thread's CPU: waiting for the child to close its
     * descriptors and exec, or for the kernel (mmap lock, other forks).
     */
    public static final String SPAWN_CHILD = "spawn.child";
    /** Per spawn made while holding a spawn lock: how long its thread waited for that lock. */
    public static final String SPAWN_LOCK_WAIT = "spawn.lockwait";
    /** Minor page faults of the spawning thread in the native part (with JNA only); a count. */
    public static final String SPAWN_MINOR_FAULTS = "spawn.minflt";
    /** Voluntary context switches of the spawning thread in the native part (with JNA only); a count. */
    public static final String SPAWN_SWITCHES = "spawn.nvcsw";

    /** Per interval, one value: resident memory of the JVM, bytes. */
    public static final String OS_RESIDENT = "os.rss";
    /** Per interval: anonymous memory not on huge pages, bytes; what FORK's page-table copy grows with. */
    public static final String OS_ANON_NOT_HUGE = "os.anon4k";
    /** Per interval: open descriptors, which the child of every spawn closes one by one. */
    public static final String OS_DESCRIPTORS = "os.fds";
    /** Per interval: RLIMIT_NOFILE's soft limit. */
    public static final String OS_DESCRIPTOR_LIMIT = "os.fds.limit";
    /** Per interval: minor page faults of the whole JVM during the interval (copy-on-write after forks). */
    public static final String OS_MINOR_FAULTS = "os.minflt";

    /** Per spawn lock: time from asking for it to holding it, every acquisition after the lock was found. */
    public static final String LOCK_WAIT = "lock.wait.";
    /** Per spawn lock: time from acquiring it to releasing it. */
    public static final String LOCK_HOLD = "lock.hold.";
    /** Per spawn lock: wall time of each spawn made while holding it (the innermost held). */
    public static final String LOCK_SPAWN = "lock.spawn.";
    /** Per spawn lock: native fork/exec time of each spawn made while holding it. */
    public static final String LOCK_EXEC = "lock.exec.";
    /** Per spawn lock: waiters at each release; a count, not a time. */
    public static final String LOCK_QUEUE = "lock.queue.";
    /** Per spawn lock: acquisitions by others while one thread waited; a count, not a time. */
    public static final String LOCK_OVERTAKEN = "lock.overtaken.";

    /** Per spawn lock: threads each notifyAll/signalAll under it moved from their wait; a count. */
    public static final String LOCK_BROADCAST = "lock.broadcast.";
    /** Per spawn lock: per futile wakeup (woken, then waiting again without releasing the lock), the time it held the lock. */
    public static final String LOCK_FUTILE = "lock.futile.";

    /** Per listening port: per accepted connection, the selectors its channel was registered with; a count. */
    public static final String ACCEPT_SELECTORS = "accept.selectors.";
    /** Per listening port: per accept() that returned null, the selectors its channel was registered with; a count. */
    public static final String ACCEPT_NULL = "accept.null.";
    /**
     * Per listening port: voluntary context switches of the threads that accept on it, per accepted
     * connection (one value per connection, spread evenly over an interval's connections); a count.
     */
    public static final String ACCEPT_WAKEUPS = "accept.wakeups.";

    /**
     * The one catalogue of tags: each tag, or family of tags, with the unit of its values and what it means
     * (the glossary of the HTML report; docs/LOG.md says the same at more length). A family's name ends with
     * a dot, and the lock's or port's name follows it.
     */
    private static final Family[] FAMILIES = {
        new Family(SPAWN, Unit.NANOS, "wall time of one successful ProcessBuilder.start() (or of a spawning call named with spawns=)"),
        new Family(SPAWN_FAILED, Unit.NANOS, "wall time of one start() that threw"),
        new Family(SPAWN_EXEC, Unit.NANOS, "the native fork/exec part of one spawn, until the child has exec'd or failed to"),
        new Family(SPAWN_CPU, Unit.NANOS, "CPU time of the spawning thread in that native part: FORK's page-table copy shows here"),
        new Family(SPAWN_CPU_SYSTEM, Unit.NANOS, "the system-time part of spawn.cpu (exact summed over many spawns, not for one)"),
        new Family(SPAWN_CHILD, Unit.NANOS, "the native part off the spawning thread's CPU: waiting for the child to close its"
                + " descriptors and exec, or for the kernel"),
        new Family(SPAWN_LOCK_WAIT, Unit.NANOS, "per spawn made holding a spawn lock: how long its thread waited for that lock"),
        new Family(SPAWN_MINOR_FAULTS, Unit.COUNT, "minor page faults of the spawning thread in the native part"),
        new Family(SPAWN_SWITCHES, Unit.COUNT, "voluntary context switches of the spawning thread in the native part"),
        new Family(OS_RESIDENT, Unit.BYTES, "once per interval: the JVM's resident memory"),
        new Family(OS_ANON_NOT_HUGE, Unit.BYTES, "once per interval: anonymous memory not on huge pages, what FORK's copy grows with"),
        new Family(OS_DESCRIPTORS, Unit.COUNT, "once per interval: open descriptors, which the child of every spawn closes one by one"),
        new Family(OS_DESCRIPTOR_LIMIT, Unit.COUNT, "once per interval: RLIMIT_NOFILE's soft limit"),
        new Family(OS_MINOR_FAULTS, Unit.COUNT, "once per interval: the JVM's minor page faults during it (copy-on-write after forks)"),
        new Family(LOCK_WAIT, Unit.NANOS, "time from asking for the spawn lock to holding it"),
        new Family(LOCK_HOLD, Unit.NANOS, "time from acquiring the spawn lock to releasing it"),
        new Family(LOCK_QUEUE, Unit.COUNT, "threads waiting for the lock at each release"),
        new Family(LOCK_OVERTAKEN, Unit.COUNT, "per acquisition, acquisitions by other threads while this one waited: starvation"),
        new Family(LOCK_SPAWN, Unit.NANOS, "wall time of each spawn made while holding the lock"),
        new Family(LOCK_EXEC, Unit.NANOS, "native fork/exec time of each spawn made while holding the lock"),
        new Family(LOCK_BROADCAST, Unit.COUNT, "per notifyAll()/signalAll() holding the lock: the waiters it moved"),
        new Family(LOCK_FUTILE, Unit.NANOS, "per futile wakeup under the lock (woken, then waiting again): how long it held the lock for nothing"),
        new Family(ACCEPT_SELECTORS, Unit.COUNT, "per connection accepted on the port: the selectors its channel is registered with"),
        new Family(ACCEPT_NULL, Unit.COUNT, "per accept() on the port that returned null: the selectors it was registered with"),
        new Family(ACCEPT_WAKEUPS, Unit.COUNT, "voluntary context switches of the threads accepting on the port, per connection"),
    };

    private static final class Family {
        final String name;
        final Unit unit;
        final String meaning;

        Family(String name, Unit unit, String meaning) {
            this.name = name;
            this.unit = unit;
            this.meaning = meaning;
        }

        boolean isPrefix() {
            return name.endsWith(".");
        }

        boolean covers(String tag) {
            return isPrefix() ? tag.startsWith(name) && tag.length() > name.length() : tag.equals(name);
        }
    }

    private Tags() {}

    private static Family of(String tag) {
        for (Family f : FAMILIES) {
            if (f.covers(tag)) {
                return f;
            }
        }
        return null;
    }

    /** The meaning of {@code tag} (of its family, for a lock's or a port's), or null for a tag not ours. */
    public static String meaning(String tag) {
        Family f = of(tag);
        return f == null ? null : f.meaning;
    }

    /** The family a tag belongs to: {@code lock.wait.} for {@code lock.wait.com.acme.Gate.LOCK}; else the tag. */
    public static String family(String tag) {
        Family f = of(tag);
        return f != null && f.isPrefix() ? f.name : tag;
    }

    /** The family as a reader sees it: {@code lock.wait.<lock>}, {@code accept.null.<port>}, or the tag itself. */
    public static String familyLabel(String tag) {
        String f = family(tag);
        if (f.equals(tag)) {
            return tag;
        }
        boolean perPort = f.equals(ACCEPT_SELECTORS) || f.equals(ACCEPT_NULL) || f.equals(ACCEPT_WAKEUPS);
        return f + (perPort ? "<port>" : "<lock>");
    }

    /** What a tag's values measure: nanoseconds for a tag not ours. */
    public static Unit unitOf(String tag) {
        Family f = of(tag);
        return f == null ? Unit.NANOS : f.unit;
    }
}
