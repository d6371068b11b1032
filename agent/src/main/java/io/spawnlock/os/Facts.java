package io.spawnlock.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * What decides how long a spawn takes, read from /proc and /sys for this JVM or another process. A value
 * that cannot be read is -1 (numbers) or null (text): the rules then stay silent rather than guess.
 */
public final class Facts {
    public static final long GIB = 1L << 30;

    /** Major version of the JDK, or -1. */
    public int jdkMajor = -1;
    /** FORK, VFORK or POSIX_SPAWN: the mechanism this JVM uses (the property, else the JDK's default). */
    public String launchMechanism;
    public long residentBytes = -1;
    /** Anonymous memory not backed by huge pages: what FORK's page-table copy grows with. */
    public long anonNotHugeBytes = -1;
    public long openDescriptors = -1;
    public long descriptorSoftLimit = -1;
    /** Minor page faults of the whole process since it started. */
    public long minorFaults = -1;
    /** The selected mode of /sys/kernel/mm/transparent_hugepage/enabled: always, madvise or never. */
    public String transparentHugePages;
    /** vm.overcommit_memory: 0, 1 or 2. */
    public int overcommit = -1;
    public String clocksource;
    /** Whether the JVM runs with -XX:+UseTransparentHugePages. */
    public boolean jvmUsesHugePages;

    /**
     * Memory, descriptors and faults of this JVM: what changes while it runs, for the log every interval and
     * the header of a dump.
     * Costs a few hundred microseconds (smaps_rollup walks the memory map), never on a spawn.
     */
    public static Facts ofThisProcess() {
        Facts f = new Facts();
        f.readProcess(Paths.get("/proc/self"), true);
        return f;
    }

    /** Everything known of process {@code pid} ("self" for this JVM) and of the machine. */
    public static Facts of(String pid) {
        Facts f = new Facts();
        Path proc = Paths.get("/proc", pid);
        List<String> cmdline = cmdline(proc);
        f.jdkMajor = pid.equals("self") ? Runtime.version().feature() : jdkMajorOf(proc);
        String mechanism = pid.equals("self") ? System.getProperty("jdk.lang.Process.launchMechanism") : property(cmdline);
        f.launchMechanism = mechanism != null ? mechanism.toUpperCase(Locale.ROOT) : "POSIX_SPAWN";
        f.jvmUsesHugePages = cmdline.contains("-XX:+UseTransparentHugePages");
        f.readProcess(proc, pid.equals("self"));
        String thp = first(Paths.get("/sys/kernel/mm/transparent_hugepage/enabled"));
        if (thp != null && thp.indexOf('[') >= 0) {
            f.transparentHugePages = thp.substring(thp.indexOf('[') + 1, thp.indexOf(']'));
        }
        String overcommit = first(Paths.get("/proc/sys/vm/overcommit_memory"));
        f.overcommit = overcommit == null ? -1 : Integer.parseInt(overcommit.trim());
        f.clocksource = first(Paths.get("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
        return f;
    }

    /** The command line of a process, split at its NULs; empty if unreadable. */
    public static List<String> cmdline(Path proc) {
        try {
            return List.of(new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void readProcess(Path proc, boolean self) {
        for (String line : lines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                residentBytes = kib(line);
            } else if (line.startsWith("RssAnon:")) {
                anonNotHugeBytes = kib(line);
            }
        }
        for (String line : lines(proc.resolve("smaps_rollup"))) {
            if (line.startsWith("AnonHugePages:") && anonNotHugeBytes >= 0) {
                anonNotHugeBytes = Math.max(0, anonNotHugeBytes - kib(line));
            }
        }
        long fds = count(proc.resolve("fd"));
        openDescriptors = fds < 0 ? -1 : fds - (self ? 1 : 0); // our own listing holds one
        for (String line : lines(proc.resolve("limits"))) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                descriptorSoftLimit = parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
            }
        }
        minorFaults = minorFaults(first(proc.resolve("stat")));
    }

    /** Field 10 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses. */
    /** The calling thread's kernel thread id, from /proc/thread-self, or -1. A few microseconds: once per thread. */
    public static int nativeThreadId() {
        try {
            String link = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * What the kernel says a thread of this process is doing: its scheduler state from
     * /proc/self/task/{tid}/stat ("R (running)", "S (sleeping)", "D (disk sleep)", ...) and, when it sleeps,
     * the kernel function it waits in (wchan), where readable; null when the thread is gone.
     */
    public static String kernelState(int tid) {
        Path task = Paths.get("/proc/self/task/" + tid);
        String stat = first(task.resolve("stat"));
        if (stat == null || stat.lastIndexOf(')') < 0 || stat.lastIndexOf(')') + 2 >= stat.length()) {
            return null;
        }
        char state = stat.charAt(stat.lastIndexOf(')') + 2); // the name in parentheses may hold spaces
        String wchan = first(task.resolve("wchan"));
        String where = wchan == null || wchan.isEmpty() || wchan.equals("0") ? "" : " in " + wchan.trim();
        return state + " (" + stateName(state) + ")" + (state == 'R' ? "" : where);
    }

    private static String stateName(char state) {
        switch (state) {
            case 'R': return "running";
            case 'S': return "sleeping";
            case 'D': return "disk sleep";
            case 'T': return "stopped";
            case 't': return "tracing stop";
            case 'Z': return "zombie";
            default: return "state " + state;
        }
    }

    static long minorFaults(String stat) {
        if (stat == null || stat.lastIndexOf(')') < 0) {
            return -1;
        }
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return after.length > 7 ? Long.parseLong(after[7]) : -1;
    }

    private static long kib(String line) {
        String[] parts = line.split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    private static String property(List<String> cmdline) {
        for (String arg : cmdline) {
            if (arg.startsWith("-Djdk.lang.Process.launchMechanism=")) {
                return arg.substring(arg.indexOf('=') + 1);
            }
        }
        return null;
    }

    /** From the JDK's release file next to the process's java binary. */
    private static int jdkMajorOf(Path proc) {
        try {
            Path home = Files.readSymbolicLink(proc.resolve("exe")).getParent().getParent();
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: unknown
        }
        return -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? null : lines.get(0).trim();
    }

    private static long count(Path dir) {
        long n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path ignored : entries) {
                n++;
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }
}
