package io.spawnlock.locks;

import io.spawnlock.capability.Capability;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.config.TestFaults;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.probe.LockListener;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.recording.EventSink;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import io.spawnlock.recording.Tags;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The spawn locks this JVM knows, their ids, their tags, and which classes acquire them.
 *
 * <p>Tags per lock (created when the lock is found, so an application without spawn locks has none):
 * {@code lock.wait.<lock>}, {@code lock.hold.<lock>}, {@code lock.queue.<lock>} (waiters at each release),
 * {@code lock.overtaken.<lock>} (per acquisition, how many acquisitions by other threads happened while this
 * one waited: the starvation signal), {@code lock.spawn.<lock>} and {@code lock.exec.<lock>} (the wall time and
 * the native fork/exec time of each spawn made while holding the lock). At the first wait or broadcast under
 * the lock: {@code lock.broadcast.<lock>} (threads each notifyAll/signalAll moved) and {@code lock.futile.<lock>}
 * (per wakeup that had to wait again, how long it held the lock for nothing).
 */
public final class SpawnLocks implements LockListener, Capability {
    /** At most this many spawn locks are measured (six tags each, eight with waits); later ones are ignored. */
    public static final int MAX_LOCKS = 256;
    private final Recording recording;
    /**
     * Serialises the writers: the agent thread (discovery) and class-loading threads (configured sites).
     * Never taken on a spawn or lock path, which read the volatile arrays and snapshots below.
     */
    private final ReentrantLock writer = new ReentrantLock();
    private final Map<String, Integer> ids = new HashMap<>(); // guarded by writer
    private final Map<Integer, String> identities = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean full;
    private volatile LockTags[] tags = new LockTags[0];
    private volatile EventSink sink;
    private volatile List<ClassRewriter> rewriters = Collections.emptyList();
    /** internal class name -> what to instrument there. Replaced whole on every change. */
    private volatile Map<String, ClassLocks> byClass = Collections.emptyMap();

    public SpawnLocks(Recording recording) {
        this.recording = recording;
    }

    /** Connects the lock probe to this registry. */
    public void listen() {
        recording.drainWith(LockProbe::drain);
        LockProbe.setListener(this);
    }

    /**
     * Measures, from their classes' next load on, the sites of {@code configuredSites} and, with discovery on
     * ({@code spawnCalls} not null), those the load-time pass finds: this part's class gate entry.
     *
     * @param notes where to write what was found (the log's comments)
     */
    public void rewriteClasses(List<String> configuredSites, SpawnCalls spawnCalls, AgentWarnings warnings,
                               Consumer<String> notes) {
        rewriters = Collections.<ClassRewriter>singletonList(
                new LockClassTransformer(this, configuredSites, spawnCalls, warnings, notes));
    }

    @Override
    public List<ClassRewriter> rewriters() {
        return rewriters;
    }

    @Override
    public void reportHealth(AgentWarnings warnings) {
        Throwable f = LockProbe.listenerFailure();
        if (f != null) {
            warnings.warnOnce("lock-recording", "recording a spawn lock failed (" + AgentWarnings.describe(f)
                    + "); spawn locks are no longer measured");
        }
        if (full) { // a lock left unmeasured: MAX_LOCKS are measured already
            warnings.warnOnce("lock-limit", "more than " + MAX_LOCKS + " spawn locks were found;"
                    + " the later ones are not measured");
        }
    }

    /**
     * Makes {@code lock}, a monitor or Lock acquired in {@code internalClassName}, a spawn lock. Returns
     * whether that is new (the class must then be rewritten).
     */
    boolean addAcquired(String internalClassName, String lock) {
        return add(internalClassName, ClassLocks.Kind.ACQUIRED, lock, lock);
    }

    /** The log's line for a spawn lock found {@code where} (a class, method and line). */
    static String found(String lock, ClassLocks.Kind kind, String where) {
        return "spawn lock " + lock + (kind == ClassLocks.Kind.SYNCHRONIZED_METHOD ? " (synchronized method)" : "")
                + " held around a spawn at " + where;
    }

    /** Makes the synchronized method {@code nameAndDescriptor} of a class a spawn lock named {@code lock}. */
    boolean addSynchronizedMethod(String internalClassName, String nameAndDescriptor, String lock) {
        return add(internalClassName, ClassLocks.Kind.SYNCHRONIZED_METHOD, nameAndDescriptor, lock);
    }

    /** Times the calls in a class to a synchronized method that is a spawn lock, for its wait time. */
    boolean addCallToSynchronizedMethod(String internalClassName, String ownerNameAndDescriptor, String lock) {
        return add(internalClassName, ClassLocks.Kind.CALL_TO_SYNCHRONIZED, ownerNameAndDescriptor, lock);
    }

    /**
     * The lock a synchronized method is, if it is a known spawn lock whose wait its callers must time, else
     * null: one turned into a block times its own.
     */
    String synchronizedMethodLock(String internalClassName, String nameAndDescriptor) {
        ClassLocks c = byClass.get(internalClassName);
        if (c == null || c.get(ClassLocks.Kind.SYNCHRONIZED_AS_BLOCK).containsKey(nameAndDescriptor)) {
            return null;
        }
        Integer id = c.get(ClassLocks.Kind.SYNCHRONIZED_METHOD).get(nameAndDescriptor);
        return id == null ? null : name(id);
    }

    /** Makes a lock a configured site resolved to a spawn lock; returns whether that is new. */
    boolean addConfigured(String internalClassName, ConfiguredSites.Found found) {
        return add(internalClassName, found.kind, found.key, found.lock);
    }

    /** Instruments {@code key} of {@code kind} in a class as spawn lock {@code lock}; returns whether that is new. */
    boolean add(String internalClassName, ClassLocks.Kind kind, String key, String lock) {
        writer.lock();
        try {
            ClassLocks known = byClass.get(internalClassName);
            if (known != null && known.get(kind).containsKey(key)) {
                return false;
            }
            if (!ids.containsKey(lock) && ids.size() >= MAX_LOCKS) {
                full = true; // bounded footprint: at most eight tags per lock
                return false;
            }
            Map<String, ClassLocks> next = new HashMap<>(byClass);
            next.put(internalClassName, (known == null ? ClassLocks.NONE : known).with(kind, key, idOf(lock)));
            byClass = Collections.unmodifiableMap(next);
            return true;
        } finally {
            writer.unlock();
        }
    }

    private int idOf(String lock) {
        Integer existing = ids.get(lock);
        if (existing != null) {
            return existing;
        }
        int id = ids.size();
        ids.put(lock, id);
        LockTags[] grown = Arrays.copyOf(tags, id + 1);
        grown[id] = new LockTags(recording, lock);
        tags = grown;
        LockProbe.register(id);
        return id;
    }

    /** What to instrument in a class, or null; loads nothing (called for every class load). */
    ClassLocks locksIn(String internalClassName) {
        return byClass.get(internalClassName);
    }

    /** How many spawn locks there are: their ids are 0 to this, exclusive. */
    public int count() {
        return tags.length;
    }

    /** The Lock, Semaphore or StampedLock a thread last waited for as spawn lock {@code id} at a measured site, or null. */
    public Object lockObject(int id) {
        return LockProbe.lockObject(id);
    }

    /**
     * How the JVM names the object of spawn lock {@code id} ({@code class@hash}) as discovery saw a
     * spawning thread hold it, or null: for a lock found late, whose takers may all be in frames older
     * than the rewrite.
     */
    public String jvmIdentity(int id) {
        return identities.get(id);
    }

    /** Discovery saw a spawning thread hold {@code lock} as the JVM's object {@code identity}. */
    void identified(String lock, String identity) {
        Integer id;
        writer.lock();
        try {
            id = ids.get(lock);
        } finally {
            writer.unlock();
        }
        if (id != null) {
            identities.putIfAbsent(id, identity);
        }
    }

    /** The name of spawn lock {@code id}, or null for an id this registry never gave out. */
    public String name(int id) {
        LockTags[] all = tags;
        return id >= 0 && id < all.length ? all[id].name : null;
    }

    @Override
    public void acquiredAndReleased(int lockId, long waitNanos, long overtaken, long holdNanos, long waiters,
                                    boolean drained) {
        TestFaults.check("lock-recording");
        LockTags t = tags[lockId];
        if (waitNanos >= 0) {
            record(t.wait, waitNanos, drained);
            record(t.overtaken, overtaken, drained);
        }
        record(t.hold, holdNanos, drained);
        record(t.queue, waiters, drained);
        EventSink s = sink;
        if (!drained && s != null && s.on()) { // delivered by the releasing thread itself: the event is its own
            s.lock(t.name, waitNanos, holdNanos, overtaken, waiters);
        }
    }

    @Override
    public void broadcast(int lockId, long waiters) {
        TestFaults.check("lock-recording");
        tags[lockId].herd().broadcast.record(waiters);
    }

    @Override
    public void futileWakeup(int lockId, long nanos) {
        TestFaults.check("lock-recording");
        tags[lockId].herd().futile.record(nanos);
    }

    /**
     * Sends every acquisition to {@code eventSink} too, while it is on: the probe then hands each one over
     * as the lock is released, on the releasing thread, instead of buffering it.
     */
    public void emitTo(EventSink eventSink) {
        sink = eventSink;
    }

    /** Whether acquisitions go to the sink now; the sink says so when it turns on or off. */
    public void deliverEachRelease(boolean on) {
        LockProbe.deliverDirectly(on);
    }

    private static void record(TagRecorder tag, long value, boolean drained) {
        if (drained) {
            tag.recordDrained(value);
        } else {
            tag.record(value);
        }
    }

    @Override
    public boolean beginDrain() {
        return recording.tryBeginDrain();
    }

    @Override
    public void endDrain() {
        recording.endDrain();
    }

    /** A spawn made by a thread whose innermost held spawn lock is {@code lockId}. */
    public void spawnUnder(int lockId, long wallNanos, long execNanos) {
        LockTags[] all = tags;
        if (lockId < all.length) {
            all[lockId].spawn.record(wallNanos);
            if (execNanos >= 0) {
                all[lockId].exec.record(execNanos);
            }
        }
    }

    /** The innermost spawn lock the calling thread holds, or -1. */
    public int innermostHeld() {
        return LockProbe.innermostHeld();
    }

    /** How long the calling thread waited for its innermost held spawn lock, or -1. */
    public long innermostWait() {
        return LockProbe.innermostWait();
    }

    private static final class LockTags {
        final String name;
        final TagRecorder wait;
        final TagRecorder hold;
        final TagRecorder queue;
        final TagRecorder overtaken;
        final TagRecorder spawn;
        final TagRecorder exec;

        private final Recording recording;
        /** Created at the first wait or broadcast under the lock: most spawn locks never have one. */
        private volatile Herd herd;

        LockTags(Recording recording, String name) {
            this.recording = recording;
            this.name = name;
            this.wait = recording.tag(Tags.LOCK_WAIT + name);
            this.hold = recording.tag(Tags.LOCK_HOLD + name);
            this.queue = recording.tag(Tags.LOCK_QUEUE + name);
            this.overtaken = recording.tag(Tags.LOCK_OVERTAKEN + name);
            this.spawn = recording.tag(Tags.LOCK_SPAWN + name);
            this.exec = recording.tag(Tags.LOCK_EXEC + name);
        }

        Herd herd() {
            Herd h = herd;
            if (h == null) { // racing threads get the same tags: Recording.tag creates each once
                h = new Herd(recording.tag(Tags.LOCK_BROADCAST + name),
                        recording.tag(Tags.LOCK_FUTILE + name));
                herd = h;
            }
            return h;
        }
    }

    private static final class Herd {
        final TagRecorder broadcast;
        final TagRecorder futile;

        Herd(TagRecorder broadcast, TagRecorder futile) {
            this.broadcast = broadcast;
            this.futile = futile;
        }
    }
}
