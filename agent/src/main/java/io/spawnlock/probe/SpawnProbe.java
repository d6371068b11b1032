package io.spawnlock.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry points called by code inlined into {@code java.lang.ProcessBuilder} and {@code java.lang.ProcessImpl},
 * and into the application's methods that spawn without them.
 *
 * <p>Lives in the boot loader, so it may use java.base only. Every method is cheap, never blocks, never
 * throws into the JDK, and never uses {@code synchronized} (a spawning virtual thread must not pin).
 */
public final class SpawnProbe {
    /** Per-thread progress of the spawn in flight; keyed by the Java thread, so virtual threads work. */
    private static final ThreadStates<InFlight> IN_FLIGHT = new ThreadStates<InFlight>() {
        @Override
        protected InFlight create(Thread owner) {
            return new InFlight(owner);
        }

        @Override
        protected Thread ownerOf(InFlight state) {
            return state.owner;
        }
    };

    private static volatile SpawnListener listener;
    private static volatile Throwable listenerFailure;

    private SpawnProbe() {}

    public static void setListener(SpawnListener newListener) {
        listener = newListener;
    }

    /** The failure that made the probe drop its listener, or null; read by the agent to report it once. */
    public static Throwable listenerFailure() {
        return listenerFailure;
    }

    /**
     * Called on entry to a spawning method: {@code ProcessBuilder.start(Redirect[])} with the builder, or an
     * application's method that spawns without it (a library's call of libjava's fork/exec, an entry point
     * named by the application) with its first argument, or null, for the command. The outermost of nested
     * spawning calls on a thread is the spawn.
     */
    public static void spawnBegin(Object what) {
        try {
            InFlight state = IN_FLIGHT.get();
            if (state.depth++ == 0) {
                state.what = what;
                begin(state);
            } else if (state.what == null) {
                state.what = what; // a ProcessBuilder inside an entry point: its command is the spawn's
            }
        } catch (Throwable t) { // nothing may reach the spawning code, even under memory pressure
            drop(t);
        }
    }

    /** Called at each normal return of a spawning method, with what it returns (the {@code Process}) or null. */
    public static void spawnReturned(Object result) {
        end(null, result);
    }

    /** Called when a spawning method throws, with what it throws. */
    public static void spawnThrew(Throwable thrown) {
        end(thrown, null);
    }

    private static void end(Throwable thrown, Object result) {
        try {
            InFlight state = IN_FLIGHT.get();
            if (state.depth == 0 || --state.depth > 0) {
                return;
            }
            Object what = state.what;
            state.what = null;
            finish(state, state.spawnStartNanos, thrown, what, result);
        } catch (Throwable t) {
            drop(t);
        }
    }

    private static void begin(InFlight state) {
        state.execStartNanos = 0L;
        state.execNanos = -1L;
        state.spawnStartNanos = System.nanoTime();
    }

    /** Called just before the native {@code forkAndExec}. */
    public static void execBegin() {
        InFlight state = IN_FLIGHT.get();
        long cpu = -1L;
        SpawnListener current = listener;
        if (current != null) {
            try {
                if (state.tid == 0) {
                    state.tid = current.nativeThreadId();
                }
                cpu = current.nativeBegin();
            } catch (Throwable t) {
                drop(t);
            }
        }
        state.execCpuStart = cpu;
        state.execStartNanos = System.nanoTime();
    }

    /** Called just after {@code forkAndExec} returned normally. */
    public static void execEnd() {
        InFlight state = IN_FLIGHT.get();
        if (state.execStartNanos != 0L) {
            state.execNanos = System.nanoTime() - state.execStartNanos;
            state.execStartNanos = 0L;
            nativeEnded(state.execNanos);
        }
    }

    /** Tells the listener that the native part just ended. */
    private static void nativeEnded(long execNanos) {
        SpawnListener current = listener;
        if (current != null) {
            try {
                current.nativeEnd(execNanos);
            } catch (Throwable t) {
                drop(t);
            }
        }
    }

    /** A broken recorder must never reach the application: drop it and leave the cause for the agent. */
    private static void drop(Throwable t) {
        listener = null;
        listenerFailure = t;
    }

    private static void finish(InFlight state, long startNanos, Throwable thrown, Object builder, Object process) {
        long now = System.nanoTime();
        long execNanos = state.execNanos;
        if (state.execStartNanos != 0L) {
            // forkAndExec threw: its time still belongs to this spawn's native phase.
            execNanos = now - state.execStartNanos;
            state.execStartNanos = 0L;
            nativeEnded(execNanos);
        }
        state.execNanos = -1L;
        state.spawnStartNanos = 0L;
        SpawnListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.spawnFinished(now - startNanos, execNanos, thrown != null, builder, process);
        } catch (Throwable t) {
            drop(t);
        }
    }

    /** Forgets the threads that have ended (their state would otherwise stay); agent thread, every interval. */
    public static void forgetEndedThreads() {
        IN_FLIGHT.forgetEnded();
    }

    /** The threads inside a spawn right now, read without stopping them; for dumps. */
    public static List<InSpawn> inSpawn() {
        List<InSpawn> all = new ArrayList<>();
        for (InFlight state : IN_FLIGHT.live()) {
            long since = state.spawnStartNanos;
            if (since != 0L) {
                all.add(new InSpawn(state.owner, since, state.execStartNanos, state.execCpuStart, state.tid));
            }
        }
        return all;
    }

    /**
     * One thread inside a spawn: since when (System.nanoTime), in native fork/exec since when (or 0), and
     * its CPU time when fork/exec began (or -1), and its kernel thread id (or -1, 0 before its first).
     */
    public static final class InSpawn {
        public final Thread thread;
        public final long since;
        public final long execSince;
        public final long execCpuStart;
        public final int nativeThreadId;

        InSpawn(Thread thread, long since, long execSince, long execCpuStart, int nativeThreadId) {
            this.thread = thread;
            this.since = since;
            this.execSince = execSince;
            this.execCpuStart = execCpuStart;
            this.nativeThreadId = nativeThreadId;
        }
    }

    private static final class InFlight {
        final Thread owner;
        volatile long spawnStartNanos;
        long execStartNanos;
        long execCpuStart = -1L;
        long execNanos = -1L;
        /** The kernel thread id, asked once: 0 not yet, -1 none. */
        int tid;
        /** How many spawning calls this thread is inside; the outermost is the spawn. */
        int depth;
        /** The builder, or an entry point's first argument, for the command. */
        Object what;

        InFlight(Thread owner) {
            this.owner = owner;
        }
    }
}
