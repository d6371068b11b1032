package bypass;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;

/**
 * Spawns through NuProcess, which never calls ProcessBuilder: worker threads that start processes under a
 * lock of their own, every fifth a program that does not exist, and the main thread running a few
 * synchronously. It counts what it did itself, and times its own waits for the lock.
 *
 * <pre>
 *   counts &lt;threads&gt; &lt;spawns per thread&gt;   prints the counts
 *   dump                                    asks the agent (JMX) for a dump while a thread is inside a NuProcess
 *                                           spawn, as its own stacks before and after show, and prints the thread
 * </pre>
 */
public final class NuProcessApp {
    static final Object GATE = new Object();
    static final AtomicLong STARTS = new AtomicLong();
    static final AtomicLong FAILED = new AtomicLong();
    static final AtomicLong ACQUISITIONS = new AtomicLong();
    static final AtomicLong WAIT_NANOS = new AtomicLong();
    static final AtomicLong BYTES = new AtomicLong();

    public static void main(String[] args) throws Exception {
        if (args[0].equals("counts")) {
            counts(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else {
            dump();
        }
    }

    private static void counts(int threads, int spawns) throws Exception {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                for (int i = 0; i < spawns; i++) {
                    boolean missing = i % 5 == 4;
                    startUnderGate(missing ? "/nonexistent/spawnlock-missing" : "/bin/echo", "worker-" + id + "-" + i);
                }
            }, "worker-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        int runs = 3;
        for (int i = 0; i < runs; i++) {
            Handler h = new Handler();
            new NuProcessBuilder(h, Arrays.asList("/bin/echo", "run-" + i)).run(); // synchronous, no lock
            STARTS.incrementAndGet();
            if (h.exitCode == Integer.MIN_VALUE) {
                FAILED.incrementAndGet();
            }
        }
        System.out.println("starts=" + STARTS + " failed=" + FAILED + " acquisitions=" + ACQUISITIONS
                + " waitNanos=" + WAIT_NANOS + " bytes=" + BYTES);
    }

    /** One start under the lock; back when the child has exited. */
    static void startUnderGate(String program, String argument) {
        Handler h = new Handler();
        NuProcessBuilder pb = new NuProcessBuilder(h, Arrays.asList(program, argument));
        NuProcess p;
        long t0 = System.nanoTime();
        synchronized (GATE) {
            WAIT_NANOS.addAndGet(System.nanoTime() - t0);
            ACQUISITIONS.incrementAndGet();
            p = pb.start();
        }
        STARTS.incrementAndGet();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
            h.exited.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (h.exitCode == Integer.MIN_VALUE) { // NuProcess's own mark of a start that failed
            FAILED.incrementAndGet();
        }
    }

    static final class Handler extends NuAbstractProcessHandler {
        final CountDownLatch exited = new CountDownLatch(1);
        volatile int exitCode;

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            BYTES.addAndGet(buffer.remaining());
            buffer.position(buffer.limit());
        }

        @Override
        public void onExit(int code) {
            exitCode = code;
            exited.countDown();
        }
    }

    private static void dump() throws Exception {
        // Many open descriptors make each child's close-everything-before-exec slow; under VFORK, NuProcess's
        // mode, the parent waits in fork/exec meanwhile: a spawn long enough to be caught inside.
        List<FileInputStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 18_000; i++) {
                open.add(new FileInputStream("/dev/null"));
            }
        } catch (java.io.IOException tooMany) {
            // as many as the limit lets
        }
        AtomicLong done = new AtomicLong();
        Thread spawner = new Thread(() -> {
            while (true) {
                startUnderGate("/bin/true", "x");
                done.incrementAndGet();
            }
        }, "nu-spawner");
        spawner.setDaemon(true);
        spawner.start();
        ObjectName agent = new ObjectName("io.spawnlock:type=Spawnlock");
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.isRegistered(agent) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (int attempt = 0; attempt < 20 && System.nanoTime() < deadline; attempt++) {
            while (inPrepare(spawner)) {
                Thread.onSpinWait(); // a spawn already under way: wait for the next to begin
            }
            while (!inPrepare(spawner)) {
                Thread.onSpinWait();
            }
            long before = done.get();
            String outcome = (String) server.invoke(agent, "dump", null, null);
            if (inPrepare(spawner) && done.get() == before && outcome.startsWith("written: ")) {
                System.out.println("inside=" + spawner.getName() + " descriptors=" + open.size() + " "
                        + outcome.substring("written: ".length()));
                return;
            }
            Thread.sleep(1000); // the agent writes at most one dump a second
        }
        System.out.println("never caught the spawner inside a spawn across a dump");
    }

    /** Whether the JVM's own stack of {@code t} is inside NuProcess's spawning method. */
    private static boolean inPrepare(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals("com.zaxxer.nuprocess.linux.LinuxProcess") && f.getMethodName().equals("prepareProcess")) {
                return true;
            }
        }
        return false;
    }
}
