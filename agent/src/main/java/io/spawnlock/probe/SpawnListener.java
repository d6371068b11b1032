package io.spawnlock.probe;

/**
 * Receives the calls of a spawn. Implemented by the isolated agent core; the probe holds it so that JDK
 * code never refers to anything outside java.base and this package. Calls come on the spawning thread.
 *
 * <p>The probe hands each spawn over once, complete, in {@link #spawnFinished}. The two calls around the
 * native part are there only for what must be read at those instants on that thread (its CPU so far);
 * the listener keeps what it reads there itself, and nothing it reads comes back through the probe.
 */
public interface SpawnListener {
    /**
     * Just before the native fork/exec.
     *
     * @return the thread's CPU time so far in nanoseconds, for dumps of a spawn still in fork/exec, or -1
     */
    long nativeBegin();

    /**
     * The calling thread's kernel thread id, for dumps to read its state in /proc, or -1 (a virtual thread,
     * no /proc). Asked once per thread, before its first native fork/exec.
     */
    int nativeThreadId();

    /**
     * Just after the native fork/exec, returned or thrown: the listener reads what it reads at this instant
     * and keeps it for the spawn's {@link #spawnFinished}.
     *
     * @param execNanos its wall time
     */
    void nativeEnd(long execNanos);

    /**
     * The spawn, complete.
     *
     * @param wallNanos wall time of the whole {@code ProcessBuilder.start} call
     * @param execNanos time spent in the native fork/exec call, or -1 when the spawn never reached it
     * @param failed    whether {@code start} threw
     * @param builder   the {@code ProcessBuilder}
     * @param process   the {@code Process} started, or null when {@code start} threw
     */
    void spawnFinished(long wallNanos, long execNanos, boolean failed, Object builder, Object process);
}
