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

    private Tags() {}

    /** What a tag's values measure. */
    public static Unit unitOf(String tag) {
        if (tag.equals(OS_RESIDENT) || tag.equals(OS_ANON_NOT_HUGE)) {
            return Unit.BYTES;
        }
        if (tag.startsWith(LOCK_QUEUE) || tag.startsWith(LOCK_OVERTAKEN) || tag.startsWith(LOCK_BROADCAST)
                || tag.startsWith("accept.") || tag.equals(SPAWN_MINOR_FAULTS)
                || tag.equals(SPAWN_SWITCHES) || tag.equals(OS_DESCRIPTORS) || tag.equals(OS_DESCRIPTOR_LIMIT)
                || tag.equals(OS_MINOR_FAULTS)) {
            return Unit.COUNT;
        }
        return Unit.NANOS;
    }
}
