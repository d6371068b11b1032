package io.spawnlock.sample;

import java.io.FileInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Go's ForkLock story on the JVM: threads spawning a command under a shared lock, optionally with a large
 * touched heap. Prints what it did, so its counts can be checked against what spawnlock recorded.
 */
public final class SampleApp {
    /** Kept reachable for the whole run: the touched heap is the point. */
    static volatile byte[][] touchedHeap;
    /** Kept open for the whole run, as a service's connections and files are. */
    static volatile List<FileInputStream> openFiles;

    /** Opens {@code n} descriptors on this jar's own file; null (after one line on stderr) at the limit. */
    private static List<FileInputStream> openFiles(int n) {
        List<FileInputStream> files = new ArrayList<>(n);
        try {
            java.io.File self = new java.io.File(SampleApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (int i = 0; i < n; i++) {
                files.add(new FileInputStream(self));
            }
            return files;
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            System.err.println("spawnlock-sample: --open-files " + n + ": could open only " + files.size()
                    + " (" + e.getMessage() + "); raise ulimit -n");
            for (FileInputStream f : files) {
                try {
                    f.close();
                } catch (java.io.IOException ignored) {
                    // closing what we opened; nothing to report
                }
            }
            return null;
        }
    }

    private SampleApp() {}

    public static void main(String[] args) throws Exception {
        SampleOptions o;
        try {
            o = SampleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("spawnlock-sample: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(SampleOptions.HELP);
            return;
        }
        if (o.heapGib > 0) {
            long bytes = (long) (o.heapGib * (1L << 30));
            long max = Runtime.getRuntime().maxMemory();
            if (bytes + (256L << 20) > max) {
                System.err.printf(Locale.ROOT, "spawnlock-sample: --heap-gib %s needs a larger heap: run java with"
                        + " -Xmx%dg or more%n", o.heapGib, (long) Math.ceil(o.heapGib) + 1);
                System.exit(2);
                return;
            }
            touchedHeap = HeapToucher.touch(bytes);
        }
        if (o.openFiles > 0) {
            openFiles = openFiles(o.openFiles);
            if (openFiles == null) {
                System.exit(2);
                return;
            }
        }
        if (o.herd != null) {
            try {
                System.out.println(o.herd.equals("accept") ? AcceptHerd.run(o.herdThreads, o.herdItems, o.fixed)
                        : NotifyHerd.run(o.herdThreads, o.herdItems, o.lock, o.fixed, o.command));
            } catch (IllegalArgumentException | java.io.IOException e) {
                System.err.println("spawnlock-sample: --herd " + o.herd + ": " + e.getMessage());
                System.exit(2);
            }
        } else {
            if (o.warmupNanos > 0) {
                run(o.warmUp()); // the JVM's (and an agent's) start-up stays out of the measured run
            }
            Result r = run(o);
            System.out.println(r.describe(o));
        }
        if (o.lingerNanos > 0) {
            System.out.flush();
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(o.lingerNanos);
        }
    }

    static Result run(SampleOptions o) throws InterruptedException {
        Spawner spawner = new Spawner(o.lock, o.useRuntimeExec);
        List<String> missing = Arrays.asList(Spawner.MISSING_PROGRAM);
        Worker[] workers = new Worker[o.threads];
        CountDownLatch go = new CountDownLatch(1);
        long deadline = o.durationNanos > 0 ? System.nanoTime() + o.durationNanos : 0L;
        for (int t = 0; t < o.threads; t++) {
            workers[t] = new Worker(spawner, o, missing, go, deadline);
            workers[t].setName("spawner-" + t);
            workers[t].start();
        }
        long[] cpuBefore = ProcessCpu.now();
        long start = System.nanoTime();
        go.countDown();
        for (Worker w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - start;
        long[] cpuAfter = ProcessCpu.now();
        Result r = Result.of(workers, elapsed);
        if (cpuBefore != null && cpuAfter != null) {
            r.cpuMillis = cpuAfter[0] - cpuBefore[0];
            r.childrenCpuMillis = cpuAfter[1] - cpuBefore[1];
        }
        return r;
    }

    static final class Worker extends Thread {
        private final Spawner spawner;
        private final SampleOptions o;
        private final List<String> missing;
        private final CountDownLatch go;
        private final long deadline;
        final List<Long> startNanos = new ArrayList<>();
        int ok;
        int failed;
        Throwable unexpected;

        Worker(Spawner spawner, SampleOptions o, List<String> missing, CountDownLatch go, long deadline) {
            this.spawner = spawner;
            this.o = o;
            this.missing = missing;
            this.go = go;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            try {
                go.await();
                for (int i = 1; deadline != 0 ? System.nanoTime() < deadline : i <= o.spawnsPerThread; i++) {
                    boolean fail = o.failEvery > 0 && i % o.failEvery == 0;
                    long t0 = System.nanoTime();
                    try {
                        spawner.spawnAndWait(fail ? missing : o.command);
                        ok++;
                    } catch (java.io.IOException e) {
                        failed++;
                    }
                    startNanos.add(System.nanoTime() - t0);
                }
            } catch (Throwable t) {
                unexpected = t;
            }
        }
    }

    /** What the run did, as the app saw it. */
    static final class Result {
        final int ok;
        final int failed;
        final long elapsedNanos;
        /** CPU of this process and of the spawned children during the run, or -1 where unknown. */
        long cpuMillis = -1;
        long childrenCpuMillis = -1;
        final long[] sortedNanos;
        final List<Throwable> unexpected;

        private Result(int ok, int failed, long elapsedNanos, long[] sortedNanos, List<Throwable> unexpected) {
            this.ok = ok;
            this.failed = failed;
            this.elapsedNanos = elapsedNanos;
            this.sortedNanos = sortedNanos;
            this.unexpected = unexpected;
        }

        static Result of(Worker[] workers, long elapsedNanos) {
            int ok = 0;
            int failed = 0;
            List<Long> all = new ArrayList<>();
            List<Throwable> unexpected = new ArrayList<>();
            for (Worker w : workers) {
                ok += w.ok;
                failed += w.failed;
                all.addAll(w.startNanos);
                if (w.unexpected != null) {
                    unexpected.add(w.unexpected);
                }
            }
            long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(ok, failed, elapsedNanos, sorted, unexpected);
        }

        int spawns() {
            return ok + failed;
        }

        String describe(SampleOptions o) {
            double seconds = elapsedNanos / 1e9;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "spawnlock-sample: %d threads spawning %s with %s, lock=%s, heap touched %s GiB, %d extra open files%n",
                    o.threads, o.command, o.useRuntimeExec ? "Runtime.exec" : "ProcessBuilder.start",
                    o.lock.name().toLowerCase(Locale.ROOT), o.heapGib, o.openFiles));
            sb.append(String.format(Locale.ROOT, "summary spawns=%d ok=%d failed=%d seconds=%.3f rate=%.1f/s%n",
                    spawns(), ok, failed, seconds, spawns() / Math.max(seconds, 1e-9)));
            sb.append(String.format(Locale.ROOT,
                    "spawn and wait, per spawn (measured by the app, lock wait included): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    percentile(50) / 1e6, percentile(99) / 1e6, percentile(100) / 1e6));
            if (cpuMillis >= 0) {
                sb.append(String.format(Locale.ROOT, "%ncpu during the run: this process %d ms, its children %d ms",
                        cpuMillis, childrenCpuMillis));
            }
            for (Throwable t : unexpected) {
                sb.append(String.format("%nunexpected: %s", t));
            }
            return sb.toString();
        }

        long percentile(double p) {
            if (sortedNanos.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))];
        }
    }
}
