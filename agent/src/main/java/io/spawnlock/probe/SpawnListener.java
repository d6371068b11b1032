package io.spawnlock.probe;

/**
 * Receives one call per finished spawn. Implemented by the isolated agent core; the probe holds it
 * so that JDK code never refers to anything outside java.base and this package.
 */
public interface SpawnListener {
    /**
     * @param wallNanos wall time of the whole {@code ProcessBuilder.start} call
     * @param execNanos time spent in the native fork/exec call, or -1 when the spawn never reached it
     * @param failed    whether {@code start} threw
     */
    void spawnFinished(long wallNanos, long execNanos, boolean failed);
}
