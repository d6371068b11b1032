package io.spawnlock.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One uncontended acquire+release of a spawn lock, as an application writes it. Run plain and under the
 * agent with {@code locks=} naming both fields ({@link LockCost} does both), the difference is what the
 * instrumentation adds; {@link #clockRead} is the floor it is compared against.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockSiteBenchmark {
    /** The sites the agent is told to measure. */
    static final String SITES = LockSiteBenchmark.class.getName() + ".monitor;" + LockSiteBenchmark.class.getName() + ".lock";

    private final Object monitor = new Object();
    private final ReentrantLock lock = new ReentrantLock();
    private long counter;

    @Benchmark
    public long monitor() {
        synchronized (monitor) {
            return ++counter;
        }
    }

    @Benchmark
    public long reentrantLock() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The agent's whole path for one spawn, without the fork: a method that calls a method named as libjava's
     * fork/exec is a spawning call to the agent (as NuProcess's is), and the call its native part. So this
     * is what the agent adds to every spawn, timed and its allocation counted with no JDK spawn around it.
     */
    @Benchmark
    public long spawnPath() {
        return Java_java_lang_ProcessImpl_forkAndExec(++counter);
    }

    /** The same, under the measured monitor: the spawn is attributed to the lock held around it. */
    @Benchmark
    public long spawnPathUnderLock() {
        synchronized (monitor) {
            return Java_java_lang_ProcessImpl_forkAndExec(++counter);
        }
    }

    /** Stands in for libjava's fork/exec: the agent knows the spawn by this name. */
    @SuppressWarnings("checkstyle:MethodName")
    private static long Java_java_lang_ProcessImpl_forkAndExec(long value) {
        return value;
    }

    /** One {@code System.nanoTime()}: what each timestamp the probes take costs on this machine. */
    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }
}
