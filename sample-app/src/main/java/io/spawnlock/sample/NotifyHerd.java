package io.spawnlock.sample;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock herd of the JVM: consumers wait under a spawn lock for jobs, and each job is announced with
 * notifyAll (or signalAll). Every waiter is moved to the lock; one takes the job and spawns its command
 * under the lock, the others find the queue empty and wait again: futile wakeups, one by one. The fix wakes
 * one waiter per job: notify (or signal).
 */
final class NotifyHerd {
    /** Pause between jobs, longer than a spawn: each job finds every consumer waiting. */
    private static final long JOB_SPACING_MILLIS = 5;

    private final ArrayDeque<Integer> jobs = new ArrayDeque<>(); // the monitor (--lock synchronized)
    private final ReentrantLock lock = new ReentrantLock(); // the Lock (--lock reentrant)
    private final Condition ready = lock.newCondition();
    private final boolean useLock;
    private final boolean wakeOne;
    private final List<String> command;
    private boolean closed; // guarded by the monitor or the lock
    private int futile; // guarded by the monitor or the lock
    private int done; // guarded by the monitor or the lock

    private NotifyHerd(boolean useLock, boolean wakeOne, List<String> command) {
        this.useLock = useLock;
        this.wakeOne = wakeOne;
        this.command = command;
    }

    static String run(int threads, int items, SampleOptions.LockMode mode, boolean fixed, List<String> command)
            throws InterruptedException {
        if (mode == SampleOptions.LockMode.NONE) {
            throw new IllegalArgumentException("--herd notify needs --lock synchronized or reentrant");
        }
        NotifyHerd herd = new NotifyHerd(mode == SampleOptions.LockMode.REENTRANT, fixed, command);
        List<Thread> consumers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (herd.takeAndRun()) {
                        // one job per call: a class rewritten meanwhile is measured from the next call on
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failure[0] = e;
                }
            }, "consumer-" + i);
            t.start();
            consumers.add(t);
        }
        long start = System.nanoTime();
        for (int i = 0; i < items; i++) {
            TimeUnit.MILLISECONDS.sleep(JOB_SPACING_MILLIS);
            herd.put(i);
        }
        herd.close();
        for (Thread t : consumers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String how = (herd.useLock ? "a ReentrantLock's Condition, " : "a monitor, ") + (fixed
                ? (herd.useLock ? "signal()" : "notify()") : (herd.useLock ? "signalAll()" : "notifyAll()"));
        return String.format(Locale.ROOT, "spawnlock-sample: notify herd, %d consumers waiting on %s per job%n"
                + "summary jobs=%d futileWakeups=%d seconds=%.3f%s", threads, how, herd.done, herd.futile, seconds,
                failure[0] == null ? "" : "\nunexpected: " + failure[0]);
    }

    private void put(int job) {
        if (useLock) {
            lock.lock();
            try {
                jobs.add(job);
                if (wakeOne) {
                    ready.signal();
                } else {
                    ready.signalAll();
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        synchronized (jobs) {
            jobs.add(job);
            if (wakeOne) {
                jobs.notify();
            } else {
                jobs.notifyAll();
            }
        }
    }

    private void close() {
        if (useLock) {
            lock.lock();
            try {
                closed = true;
                ready.signalAll();
            } finally {
                lock.unlock();
            }
            return;
        }
        synchronized (jobs) {
            closed = true;
            jobs.notifyAll();
        }
    }

    /** Waits for a job and spawns its command under the lock; false once closed and drained. */
    private boolean takeAndRun() throws IOException, InterruptedException {
        Process p;
        if (useLock) {
            lock.lock();
            try {
                while (jobs.isEmpty() && !closed) {
                    ready.await();
                    if (jobs.isEmpty() && !closed) {
                        futile++;
                    }
                }
                if (jobs.poll() == null) {
                    return false;
                }
                done++;
                p = start();
            } finally {
                lock.unlock();
            }
        } else {
            synchronized (jobs) {
                while (jobs.isEmpty() && !closed) {
                    jobs.wait();
                    if (jobs.isEmpty() && !closed) {
                        futile++;
                    }
                }
                if (jobs.poll() == null) {
                    return false;
                }
                done++;
                p = start();
            }
        }
        p.waitFor();
        return true;
    }

    private Process start() throws IOException {
        return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
