package io.spawnlock.probe;

/**
 * Entry points called by code inlined into {@code java.lang.ProcessBuilder} and {@code java.lang.ProcessImpl}.
 *
 * <p>Lives in the boot loader, so it may use java.base only. Every method is cheap, never blocks, never
 * throws into the JDK, and never uses {@code synchronized} (a spawning virtual thread must not pin).
 */
public final class SpawnProbe {
    /** Per-thread progress of the spawn in flight; keyed by the Java thread, so virtual threads work. */
    private static final ThreadLocal<InFlight> IN_FLIGHT = ThreadLocal.withInitial(InFlight::new);

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

    /** Called on entry to {@code ProcessBuilder.start(Redirect[])}; the result is handed back to {@link #spawnEnd}. */
    public static long spawnBegin() {
        InFlight state = IN_FLIGHT.get();
        state.execStartNanos = 0L;
        state.execNanos = -1L;
        return System.nanoTime();
    }

    /** Called just before the native {@code forkAndExec}. */
    public static void execBegin() {
        IN_FLIGHT.get().execStartNanos = System.nanoTime();
    }

    /** Called just after {@code forkAndExec} returned normally. */
    public static void execEnd() {
        InFlight state = IN_FLIGHT.get();
        if (state.execStartNanos != 0L) {
            state.execNanos = System.nanoTime() - state.execStartNanos;
            state.execStartNanos = 0L;
        }
    }

    /** Called on every exit of {@code ProcessBuilder.start(Redirect[])}, normal or by exception. */
    public static void spawnEnd(long startNanos, Throwable thrown) {
        long now = System.nanoTime();
        InFlight state = IN_FLIGHT.get();
        long execNanos = state.execNanos;
        if (state.execStartNanos != 0L) {
            // forkAndExec threw: its time still belongs to this spawn's native phase.
            execNanos = now - state.execStartNanos;
            state.execStartNanos = 0L;
        }
        state.execNanos = -1L;
        SpawnListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.spawnFinished(now - startNanos, execNanos, thrown != null);
        } catch (Throwable t) {
            // A broken recorder must never reach the application: drop it and leave the cause for the agent.
            listener = null;
            listenerFailure = t;
        }
    }

    private static final class InFlight {
        long execStartNanos;
        long execNanos = -1L;
    }
}
