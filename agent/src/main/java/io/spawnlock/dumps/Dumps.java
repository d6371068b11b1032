package io.spawnlock.dumps;

import io.spawnlock.config.AgentOptions;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.probe.LockProbe;
import io.spawnlock.recording.Recording;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The dump triggers: a signal (chained to whatever handler the application has), a period, a wait longer
 * than a threshold, and requests from outside. Triggers only set a request and wake the agent thread; the
 * agent thread writes the dump ({@link #poll}), so a signal handler never blocks and a trigger storm costs
 * at most one dump per {@link #MIN_GAP_NANOS}, and at most {@code maxDumps} per JVM.
 */
public final class Dumps {
    static final long MIN_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the agent thread looks for long waits when {@code dumpOnWait} is on. */
    public static final long WAIT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Path dir;
    private final long everyNanos;
    private final long onWaitNanos;
    private final int maxDumps;
    private final DumpWriter writer;
    private final AgentWarnings warnings;
    private final Consumer<String> notes;
    private final AtomicReference<String> requested = new AtomicReference<>();
    private volatile Thread agentThread;
    private long nextPeriodic;
    private long lastDump = System.nanoTime() - MIN_GAP_NANOS;
    private int written;
    /** Waits already dumped for, by thread: one dump per wait, not one per check. */
    private final Map<Thread, Long> dumpedWaits = new HashMap<>();
    private ChainedHandler signalHandler;
    /** What became of the last trigger handled, and how many were; for {@link #requestAndWait}. */
    private volatile String lastOutcome;
    private volatile long outcomes;

    /**
     * @param dir     where the dumps go ({@code dumps=}, expanded)
     * @param options the triggers asked for ({@code dumpEvery}, {@code dumpOnWait}, {@code maxDumps})
     */
    public Dumps(Path dir, AgentOptions options, SpawnLocks locks, Recording recording,
                 Supplier<String> launchMechanism, AgentWarnings warnings, Consumer<String> notes) {
        this.dir = dir;
        this.everyNanos = options.dumpEveryNanos();
        this.onWaitNanos = options.dumpOnWaitNanos();
        this.maxDumps = options.maxDumps();
        this.writer = new DumpWriter(locks, recording, launchMechanism);
        this.warnings = warnings;
        this.notes = notes;
        this.nextPeriodic = System.nanoTime() + everyNanos;
    }

    public Path directory() {
        return dir;
    }

    /** The thread that writes dumps; woken by every request. */
    public void writeOn(Thread thread) {
        agentThread = thread;
    }

    /** Asks for a dump; cheap, never blocks, any thread (a signal handler, a command). */
    public void request(String trigger) {
        requested.compareAndSet(null, trigger);
        Thread t = agentThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Installs the signal trigger, keeping the application's handler (if any) called after ours. */
    public void handleSignal(String name) {
        try {
            signalHandler = new ChainedHandler(this, name);
            signalHandler.previous = Signal.handle(new Signal(name), signalHandler);
        } catch (Throwable t) {
            signalHandler = null;
            warnings.warnOnce("signal", "dumps on SIG" + name + " are off: the JVM did not let the agent handle it ("
                    + AgentWarnings.describe(t) + ")");
        }
    }

    /**
     * If the application installed its own handler after ours, ours goes back in front of it (and calls
     * it): run periodically on the agent thread.
     */
    public void keepSignalHandler() {
        ChainedHandler ours = signalHandler;
        if (ours == null) {
            return;
        }
        try {
            SignalHandler current = Signal.handle(new Signal(ours.signal), ours);
            if (current != ours) {
                ours.previous = current;
            }
        } catch (Throwable t) {
            // leave it as it is
        }
    }

    /** How long the agent thread may sleep before {@link #poll} has work (for periodic and wait checks). */
    public long nanosUntilNextCheck(long now) {
        long wait = Long.MAX_VALUE;
        if (everyNanos > 0) {
            wait = Math.max(0, nextPeriodic - now);
        }
        if (onWaitNanos > 0) {
            wait = Math.min(wait, WAIT_CHECK_NANOS);
        }
        return wait;
    }

    /** On the agent thread: writes a dump if one is due. */
    public void poll() {
        long now = System.nanoTime();
        String trigger = requested.getAndSet(null);
        if (trigger == null && everyNanos > 0 && now - nextPeriodic >= 0) {
            trigger = AgentOptions.DUMP_EVERY.key + "=" + io.spawnlock.config.Durations.format(everyNanos);
            nextPeriodic = now + everyNanos;
        }
        if (trigger == null && onWaitNanos > 0) {
            trigger = longWait(now);
        }
        if (trigger == null) {
            return;
        }
        if (written >= maxDumps) {
            warnings.warnOnce("dump-limit", "no more dumps: " + maxDumps + " were written, the limit (maxDumps)");
            outcome("not written: " + maxDumps + " dumps were written, the limit (maxDumps)");
            return;
        }
        if (now - lastDump < MIN_GAP_NANOS) {
            notes.accept("dump for " + trigger + " skipped: the previous one was less than 1s ago");
            outcome("not written: the previous dump was less than 1s ago");
            return;
        }
        lastDump = now;
        try {
            DumpWriter.Written w = writer.write(dir, trigger);
            written++;
            notes.accept("dump " + w.file + " for " + trigger + " written in " + io.spawnlock.recording.Units.nanos(w.nanos));
            outcome("written: " + w.file.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            warnings.warnOnce("dump-write", "cannot write a dump in " + dir + " (" + AgentWarnings.describe(e)
                    + "); later dumps will try again");
            outcome("not written: " + AgentWarnings.describe(e));
        }
    }

    private void outcome(String text) {
        lastOutcome = text;
        outcomes++; // the agent thread is the only writer
    }

    /**
     * Asks for a dump and waits for what became of it: "written: <file>" or "not written: <why>"; for a
     * command from outside, never on the agent thread.
     */
    public String requestAndWait(String trigger, long timeoutNanos) {
        long before = outcomes;
        request(trigger);
        long deadline = System.nanoTime() + timeoutNanos;
        while (outcomes == before) {
            if (System.nanoTime() - deadline > 0) {
                return "not written: the agent did not get to it within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s";
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return lastOutcome;
    }

    /** A trigger text if a thread has waited for a spawn lock longer than the threshold (once per wait). */
    private String longWait(long now) {
        String trigger = null;
        dumpedWaits.keySet().removeIf(t -> !t.isAlive());
        for (LockProbe.ThreadLocks t : LockProbe.threads()) {
            if (t.waitingFor < 0 || now - t.waitingSince < onWaitNanos) {
                continue;
            }
            Long dumped = dumpedWaits.get(t.thread);
            if (dumped != null && dumped == t.waitingSince) {
                continue;
            }
            dumpedWaits.put(t.thread, t.waitingSince);
            if (trigger == null) {
                trigger = AgentOptions.DUMP_ON_WAIT.key + "=" + io.spawnlock.config.Durations.format(onWaitNanos) + " (\"" + t.thread.getName()
                        + "\" waited " + io.spawnlock.recording.Units.nanos(now - t.waitingSince) + ")";
            }
        }
        return trigger;
    }

    /** Our signal handler: asks for a dump, then calls the one it replaced (never the default, which exits). */
    private static final class ChainedHandler implements SignalHandler {
        private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();
        private final Dumps dumps;
        final String signal;
        volatile SignalHandler previous;

        ChainedHandler(Dumps dumps, String signal) {
            this.dumps = dumps;
            this.signal = signal;
        }

        @Override
        public void handle(Signal sig) {
            if (INSIDE.get() != null) {
                return; // the application's handler called us back as its "previous": once is enough
            }
            INSIDE.set(Boolean.TRUE);
            try {
                dumps.request("SIG" + signal);
                SignalHandler p = previous;
                if (p != null && p != SignalHandler.SIG_DFL && p != SignalHandler.SIG_IGN && p != this) {
                    p.handle(sig);
                }
            } finally {
                INSIDE.remove();
            }
        }
    }
}
