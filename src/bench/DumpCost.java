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
 * and the pause the application saw, two ways, with and without dumps, in one run: the largest lateness
 * of a thread that sleeps 1 ms in a loop (as jHiccup measures it: everything the application felt,
 * the machine's own stalls included), and the JVM's own log of its pauses (safepoints, which stop every
 * Java thread, and handshakes, which stop one), which a stall of the machine does not add to.
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
        Path vmLog = dir.resolve("pauses.log");
        Process p = new ProcessBuilder(java, "-javaagent:" + agent + "=log=" + log + ",interval=100ms,dumps="
                + dir.resolve("dumps"), "-Xss256k", "-Xlog:safepoint=info,handshake=info:file=" + vmLog + ":uptimenanos",
                Paths.get("src/bench/DumpCost.java").toString(), "app")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        expect(out, "ready");
        // baseline: the hiccup meter's own noise, 3 s without dumps
        p.getOutputStream().write("measure\n".getBytes());
        p.getOutputStream().flush();
        long quietFrom = uptimeOf(expect(out, "hiccup")); // start-up's lateness: not counted
        Thread.sleep(3000);
        p.getOutputStream().write("measure\n".getBytes());
        p.getOutputStream().flush();
        String quiet = expect(out, "hiccup");
        long dumpsFrom = uptimeOf(quiet);
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
        System.out.println("largest 1 ms-sleep lateness without dumps (3 s): " + lateness(quiet));
        System.out.println("largest 1 ms-sleep lateness with " + dumps + " dumps: " + lateness(withDumps));
        List<String> pauses = Files.readAllLines(vmLog);
        Pauses none = Pauses.between(pauses, quietFrom, dumpsFrom);
        System.out.printf("JVM pauses in the 3 s without dumps: %s%n", none);
        List<Double> perDump = new ArrayList<>();
        double largest = 0;
        for (int i = 0; i < dumps; i++) { // dump i was asked for at about dumpsFrom + i * 1.1 s
            Pauses one = Pauses.between(pauses, dumpsFrom + i * 1_100_000_000L, dumpsFrom + (i + 1) * 1_100_000_000L);
            perDump.add(one.safepointTotalMs);
            largest = Math.max(largest, one.safepointLargestMs);
            System.out.printf("  dump %d: %s%n", i + 1, one);
        }
        Collections.sort(perDump);
        System.out.printf("all threads stopped (safepoints) per dump, ms: median %.2f, max %.2f; largest single safepoint %.2f%n",
                perDump.get(perDump.size() / 2), perDump.get(perDump.size() - 1), largest);
    }

    static String lateness(String hiccupLine) {
        return hiccupLine.substring(0, hiccupLine.indexOf(" at "));
    }

    /** The child's "hiccup ... at <uptime ns>" line: the JVM uptime (the pause log's clock) when it was printed. */
    static long uptimeOf(String hiccupLine) {
        return Long.parseLong(hiccupLine.substring(hiccupLine.lastIndexOf(' ') + 1));
    }

    /** The JVM's logged pauses in a window of its uptime: safepoints stop every Java thread, a handshake its targets. */
    static final class Pauses {
        private static final Pattern LINE = Pattern.compile(
                "^\\[(\\d+)ns\\] (Safepoint|Handshake) .*?Total(?: completion time)?: (\\d+) ns");
        int safepoints;
        double safepointTotalMs;
        double safepointLargestMs;
        int handshakes;
        double handshakeTotalMs;

        static Pauses between(List<String> log, long fromNanos, long toNanos) {
            Pauses p = new Pauses();
            for (String line : log) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long at = Long.parseLong(m.group(1));
                if (at < fromNanos || at >= toNanos) {
                    continue;
                }
                double ms = Long.parseLong(m.group(3)) / 1e6;
                if (m.group(2).equals("Safepoint")) {
                    p.safepoints++;
                    p.safepointTotalMs += ms;
                    p.safepointLargestMs = Math.max(p.safepointLargestMs, ms);
                } else {
                    p.handshakes++;
                    p.handshakeTotalMs += ms;
                }
            }
            return p;
        }

        @Override
        public String toString() {
            return String.format("%d safepoints, %.2f ms in all, largest %.2f ms; %d handshakes (one thread each), %.2f ms in all",
                    safepoints, safepointTotalMs, safepointLargestMs, handshakes, handshakeTotalMs);
        }
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
            // the JVM's uptime, on the clock of its pause log (-Xlog's uptimenanos), so the harness can split that log
            long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
            System.out.printf("hiccup %.2f ms at %d%n", maxLateNanos / 1e6, uptime);
            maxLateNanos = 0;
        }
        System.exit(0);
    }
}
