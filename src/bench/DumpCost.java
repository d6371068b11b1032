import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dump costs in a JVM with 1,000 threads: the time to write it (the agent's own note in the log)
 * and the pause the application saw (the largest lateness of a thread that sleeps 1 ms in a loop, as
 * jHiccup measures it), with and without dumps, in one run.
 *
 * <p>{@code java src/bench/DumpCost.java <java> <agent jar> <dumps>} from the repository root. The child is
 * this same file: 1,000 threads, of which one holds a spawn lock (found by discovery) and 100 wait for it.
 */
public class DumpCost {
    static final int THREADS = 1000;
    static final int WAITERS = 100;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("app")) {
            app();
            return;
        }
        String java = args[0];
        Path agent = Paths.get(args[1]).toAbsolutePath();
        int dumps = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("dumpcost");
        Path log = dir.resolve("d.hlog");
        Process p = new ProcessBuilder(java, "-javaagent:" + agent + "=log=" + log + ",interval=100ms,dumps="
                + dir.resolve("dumps"), "-Xss256k", Paths.get("src/bench/DumpCost.java").toString(), "app")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        expect(out, "ready");
        // baseline: the hiccup meter's own noise, 3 s without dumps
        p.getOutputStream().write("measure\n".getBytes());
        p.getOutputStream().flush();
        expect(out, "hiccup"); // start-up's lateness: not counted
        Thread.sleep(3000);
        p.getOutputStream().write("measure\n".getBytes());
        p.getOutputStream().flush();
        String quiet = expect(out, "hiccup");
        for (int i = 0; i < dumps; i++) {
            new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
            Thread.sleep(1100);
        }
        p.getOutputStream().write("measure\n".getBytes());
        p.getOutputStream().flush();
        String withDumps = expect(out, "hiccup");
        p.getOutputStream().write("quit\n".getBytes());
        p.getOutputStream().flush();
        p.waitFor();
        List<Double> written = new ArrayList<>();
        Matcher m = Pattern.compile("written in ([0-9.]+)(ms|µs|s)\\]").matcher(Files.readString(log));
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            written.add(m.group(2).equals("ms") ? v : m.group(2).equals("s") ? v * 1000 : v / 1000);
        }
        Collections.sort(written);
        long files = Files.list(dir.resolve("dumps")).count();
        System.out.println("JDK: " + java);
        System.out.println("dumps written: " + files + " of " + dumps + " requested; size of one: "
                + Files.size(Files.list(dir.resolve("dumps")).findFirst().get()) / 1024 + " KiB");
        System.out.printf("time to write a dump, ms: median %.1f, max %.1f%n", written.get(written.size() / 2),
                written.get(written.size() - 1));
        System.out.println("largest 1 ms-sleep lateness without dumps (3 s): " + quiet);
        System.out.println("largest 1 ms-sleep lateness with " + dumps + " dumps: " + withDumps);
    }

    static String expect(BufferedReader out, String prefix) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        throw new IllegalStateException("no " + prefix);
    }

    static final ReentrantLock LOCK = new ReentrantLock();
    static volatile long maxLateNanos;

    static void spawnUnderLock() {
        LOCK.lock();
        try {
            new ProcessBuilder("true").start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            LOCK.unlock();
        }
    }

    static void app() throws Exception {
        spawnUnderLock(); // discovery finds LOCK
        Thread.sleep(1500);
        CountDownLatch forever = new CountDownLatch(1);
        for (int i = 0; i < THREADS - WAITERS - 2; i++) {
            Thread t = new Thread(() -> {
                try {
                    forever.await();
                } catch (InterruptedException e) {
                    // exit
                }
            }, "idle-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread holder = new Thread(() -> {
            LOCK.lock();
            try {
                forever.await();
            } catch (InterruptedException e) {
                // exit
            } finally {
                LOCK.unlock();
            }
        }, "holder");
        holder.setDaemon(true);
        holder.start();
        Thread.sleep(100);
        for (int i = 0; i < WAITERS; i++) {
            Thread w = new Thread(DumpCost::spawnUnderLock, "waiter-" + i);
            w.setDaemon(true);
            w.start();
        }
        Thread meter = new Thread(() -> {
            while (true) {
                long t0 = System.nanoTime();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                long late = System.nanoTime() - t0 - 1_000_000L;
                if (late > maxLateNanos) {
                    maxLateNanos = late;
                }
            }
        }, "hiccup-meter");
        meter.setDaemon(true);
        meter.start();
        System.out.println("ready " + Thread.activeCount() + " threads");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            System.out.printf("hiccup %.2f ms%n", maxLateNanos / 1e6);
            maxLateNanos = 0;
        }
        System.exit(0);
    }
}
