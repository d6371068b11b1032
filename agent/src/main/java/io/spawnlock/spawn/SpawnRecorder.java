package io.spawnlock.spawn;

import io.spawnlock.capability.Capability;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.config.AgentOptions;
import io.spawnlock.config.TestFaults;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.guard.Privileged;
import io.spawnlock.locks.LockDiscovery;
import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.os.Facts;
import io.spawnlock.os.ThreadSwitches;
import io.spawnlock.os.ThreadUsage;
import io.spawnlock.probe.SpawnListener;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.EventSink;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import io.spawnlock.recording.Tags;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The spawn probe's one listener. Turns each spawn the probe hands over into the {@code spawn*} tags: wall
 * time, the native fork/exec part, and that part split into the spawning thread's CPU and the time it
 * waited for the child or the kernel. (Dumps read the probe's per-thread state of the spawns in flight
 * too, without stopping the threads; they never call it.)
 */
public final class SpawnRecorder implements SpawnListener, Capability {
    private final Recording recording;
    private final TagRecorder spawn;
    private final TagRecorder failed;
    private final TagRecorder exec;
    private final TagRecorder cpu;
    private final TagRecorder child;
    private final TagRecorder lockWait;
    /** Only with a detailed usage source; null before. */
    private volatile TagRecorder[] detail;
    /** Null until the OS insight is ready (it loads off the application's threads, after start-up). */
    private volatile ThreadUsage usage;
    private volatile Throwable usageFailure;
    /** Per thread: what was read around the native parts of the spawn in flight, until it is recorded. */
    private final ThreadLocal<NativeParts> readings = new ThreadLocal<NativeParts>() {
        @Override
        protected NativeParts initialValue() {
            return new NativeParts();
        }
    };

    /**
     * The usage read at the start of a native part ({@code at}'s CPU slot is -1 when none), then at its end,
     * and whether the start was read with a detailed source (the source may change in between: the JDK's
     * clock first, JNA once loaded; both read the same CPU clock); then the sums over the spawn's native
     * parts so far (one, unless an entry point calls fork/exec more than once).
     */
    private static final class NativeParts {
        final long[] at = new long[2 * ThreadUsage.FIELDS];
        boolean beginDetailed;
        boolean measured;
        boolean detailed = true;
        long onCpu;
        long child;
        long system;
        long minorFaults;
        long switches;

        NativeParts() {
            at[ThreadUsage.CPU] = -1;
        }

        void reset() {
            measured = false;
            detailed = true;
            onCpu = child = system = minorFaults = switches = 0;
        }
    }
    /** Spawns one by one (JFR); null when none is connected. */
    private volatile EventSink sink;
    private volatile AgentOptions.Args commandShown = AgentOptions.Args.NONE;
    private volatile String launchMechanism = LaunchMechanism.expected();
    private final LongAdder spawns = new LongAdder();
    private final SpawnLocks locks;
    private List<ClassRewriter> rewriters = Collections.emptyList();
    private volatile LockDiscovery discovery;
    private volatile Throwable discoveryFailure;

    /**
     * Creates the recorder, connects the probe to it and prepares its class gate entries: the spawns that
     * bypass ProcessBuilder, then the JDK's spawn classes (rewritten ahead of time, a few milliseconds). A JDK
     * whose spawn path cannot be instrumented is one warning, and its spawns are not measured.
     *
     * @param locks     the spawn locks, to attribute each spawn to the innermost one held
     * @param discovery finds the locks held around spawns; null when discovery is off
     * @param bypassing the application's methods that spawn without ProcessBuilder
     */
    public static SpawnRecorder listenTo(Recording recording, SpawnLocks locks, LockDiscovery discovery,
                                         EntryPoints bypassing, AgentWarnings warnings) {
        SpawnRecorder r = new SpawnRecorder(recording, locks, discovery);
        List<ClassRewriter> rewriters = new ArrayList<>();
        rewriters.add(bypassing);
        try {
            SpawnClassRewriter jdk = new SpawnClassRewriter();
            jdk.prepare();
            rewriters.add(jdk);
        } catch (Throwable t) {
            warnings.warnOnce("spawn-instrumentation", "spawns are not measured: this JDK's spawn path could not be"
                    + " instrumented (" + AgentWarnings.describe(t) + ")");
        }
        r.rewriters = Collections.unmodifiableList(rewriters);
        SpawnProbe.setListener(r);
        return r;
    }

    @Override
    public List<ClassRewriter> rewriters() {
        return rewriters;
    }

    SpawnRecorder(Recording recording, SpawnLocks locks, LockDiscovery discovery) {
        this.recording = recording;
        this.locks = locks;
        this.discovery = discovery;
        this.spawn = recording.tag(Tags.SPAWN);
        this.failed = recording.tag(Tags.SPAWN_FAILED);
        this.exec = recording.tag(Tags.SPAWN_EXEC);
        this.cpu = recording.tag(Tags.SPAWN_CPU);
        this.child = recording.tag(Tags.SPAWN_CHILD);
        this.lockWait = recording.tag(Tags.SPAWN_LOCK_WAIT);
    }

    /** From now on, splits each spawn's native part with {@code source}. */
    public void measureUsageWith(ThreadUsage source) {
        if (source.detailed()) {
            detail = new TagRecorder[] {recording.tag(Tags.SPAWN_CPU_SYSTEM), recording.tag(Tags.SPAWN_MINOR_FAULTS),
                    recording.tag(Tags.SPAWN_SWITCHES)};
        }
        usage = source;
    }

    // Each call from the probe runs with the agent's permissions (Privileged): it comes on an application thread.

    @Override
    public int nativeThreadId() {
        return Privileged.needed() ? Privileged.callInt(SpawnRecorder::threadId) : threadId();
    }

    private static int threadId() {
        return ThreadSwitches.isVirtual(Thread.currentThread()) ? -1 : Facts.nativeThreadId();
    }

    @Override
    public long nativeBegin() {
        return Privileged.needed() ? Privileged.callLong(this::begin) : begin();
    }

    private long begin() {
        ThreadUsage u = usage;
        if (u == null) {
            return -1;
        }
        NativeParts parts = readings.get();
        long[] r = parts.at;
        try {
            TestFaults.check("os");
            if (!u.read(r, 0)) {
                r[ThreadUsage.CPU] = -1;
            }
            parts.beginDetailed = u.detailed();
        } catch (RuntimeException | LinkageError e) {
            usageFailed(e);
            r[ThreadUsage.CPU] = -1;
        }
        return r[ThreadUsage.CPU];
    }

    /** The CPU source broke: spawns go on being measured, without it, and the agent says so once. */
    private void usageFailed(Throwable e) {
        usage = null;
        usageFailure = e;
    }

    /** Why the CPU source was dropped, or null while it works. */
    public Throwable usageFailure() {
        return usageFailure;
    }

    @Override
    public void nativeEnd(long execNanos) {
        if (Privileged.needed()) {
            Privileged.run(() -> end(execNanos));
        } else {
            end(execNanos);
        }
    }

    /** Reads the usage at the native part's end and adds the part to the spawn's sums; records nothing yet. */
    private void end(long execNanos) {
        ThreadUsage u = usage;
        NativeParts parts = readings.get();
        long[] r = parts.at;
        long begin = r[ThreadUsage.CPU];
        r[ThreadUsage.CPU] = -1;
        int end = ThreadUsage.FIELDS;
        try {
            if (u == null || begin < 0 || !u.read(r, end)) {
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            usageFailed(e);
            return;
        }
        long onCpu = Math.min(r[end + ThreadUsage.CPU] - begin, execNanos);
        parts.measured = true;
        parts.onCpu += onCpu;
        parts.child += execNanos - onCpu;
        parts.detailed &= parts.beginDetailed && u.detailed();
        if (parts.detailed) {
            parts.system += r[end + ThreadUsage.SYSTEM] - r[ThreadUsage.SYSTEM];
            parts.minorFaults += r[end + ThreadUsage.MINOR_FAULTS] - r[ThreadUsage.MINOR_FAULTS];
            parts.switches += r[end + ThreadUsage.VOLUNTARY_SWITCHES] - r[ThreadUsage.VOLUNTARY_SWITCHES];
        }
    }

    @Override
    public void spawnFinished(long wallNanos, long execNanos, boolean isFailed, Object builder, Object process) {
        if (Privileged.needed()) {
            Privileged.run(() -> finished(wallNanos, execNanos, isFailed, builder, process));
        } else {
            finished(wallNanos, execNanos, isFailed, builder, process);
        }
    }

    /** The spawn's CPU in its native parts, recorded with the split, or -1 when it was not measured. */
    private long recordNativeParts() {
        NativeParts parts = readings.get();
        if (!parts.measured) {
            return -1;
        }
        long onCpu = parts.onCpu;
        cpu.record(onCpu);
        child.record(parts.child);
        TagRecorder[] d = detail;
        if (d != null && parts.detailed) {
            d[0].record(parts.system);
            d[1].record(parts.minorFaults);
            d[2].record(parts.switches);
        }
        parts.reset();
        return onCpu;
    }

    private void finished(long wallNanos, long execNanos, boolean isFailed, Object builder, Object process) {
        TestFaults.check("spawn-recording");
        (isFailed ? failed : spawn).record(wallNanos);
        if (execNanos >= 0) {
            exec.record(execNanos);
        }
        long cpuNanos = recordNativeParts();
        spawns.increment();
        int lock = locks.innermostHeld();
        long waited = -1;
        if (lock >= 0) {
            locks.spawnUnder(lock, wallNanos, execNanos);
            waited = locks.innermostWait();
            if (waited >= 0) {
                lockWait.record(waited);
            }
        }
        EventSink s = sink;
        if (s != null && s.on()) {
            s.spawn(wallNanos, execNanos, cpuNanos, waited, lock >= 0 ? locks.name(lock) : null, launchMechanism,
                    command(builder), process instanceof Process ? ((Process) process).pid() : -1, isFailed);
        }
        LockDiscovery d = discovery;
        if (d != null) {
            try {
                d.onSpawn();
            } catch (RuntimeException | LinkageError e) {
                // discovery is a part of its own: losing it must not stop spawns being measured
                discovery = null;
                discoveryFailure = e;
            }
        }
    }

    /** Sends every spawn to {@code eventSink} too, its command shown as {@code args} allows. */
    public void emitTo(EventSink eventSink, AgentOptions.Args args) {
        commandShown = args;
        sink = eventSink;
    }

    /** The launch mechanism in effect, once the agent has read it after the first spawn. */
    public void launchMechanismIs(String actual) {
        launchMechanism = actual;
    }

    /**
     * The command of a spawn as the {@code args} option allows: the file name; the path with each argument
     * as {@code ***} (how many, not what); or the whole line. {@code what} is the {@code ProcessBuilder}, or
     * an entry point's first argument: a command as a list, an array or a string; anything else has none.
     */
    private String command(Object what) {
        java.util.List<?> command;
        if (what instanceof ProcessBuilder) {
            command = ((ProcessBuilder) what).command();
        } else if (what instanceof java.util.List) {
            command = (java.util.List<?>) what;
        } else if (what instanceof String[]) {
            command = java.util.Arrays.asList((String[]) what);
        } else if (what instanceof String) {
            command = java.util.Arrays.asList(((String) what).trim().split("\\s+")); // as Runtime.exec(String) splits
        } else {
            return null;
        }
        if (command.isEmpty()) {
            return "";
        }
        String program = String.valueOf(command.get(0));
        switch (commandShown) {
            case FULL:
                StringBuilder full = new StringBuilder(program);
                for (int i = 1; i < command.size(); i++) {
                    full.append(' ').append(command.get(i));
                }
                return full.toString();
            case REDACTED:
                StringBuilder redacted = new StringBuilder(program);
                for (int i = 1; i < command.size(); i++) {
                    redacted.append(" ***");
                }
                return redacted.toString();
            default:
                return program.substring(program.lastIndexOf('/') + 1);
        }
    }

    /** The threads that spawned and ended since are forgotten: the probe's per-thread state stays bounded. */
    @Override
    public void sample() {
        SpawnProbe.forgetEndedThreads();
    }

    @Override
    public void reportHealth(AgentWarnings warnings) {
        Throwable f = SpawnProbe.listenerFailure();
        if (f != null) {
            warnings.warnOnce("spawn-recording", "recording a spawn failed (" + AgentWarnings.describe(f)
                    + "); spawns are no longer measured");
        }
        Throwable usage = usageFailure();
        if (usage != null) {
            usageFailed(warnings, usage);
        }
        Throwable discoveryFailed = discoveryFailure;
        if (discoveryFailed != null) {
            warnings.warnOnce("lock-discovery", "finding spawn locks failed (" + AgentWarnings.describe(discoveryFailed)
                    + "); no new spawn locks will be found");
        }
    }

    /** The CPU source failed to load, or later on a spawn: one warning either way. */
    public static void usageFailed(AgentWarnings warnings, Throwable failure) {
        warnings.warnOnce("os-insight", "reading the CPU of spawning threads failed (" + AgentWarnings.describe(failure)
                + "); spawns are measured without it");
    }

    /** Spawns seen so far, successful or not. */
    public long spawns() {
        return spawns.sum();
    }
}
