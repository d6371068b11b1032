package io.spawnlock.doctor;

import io.spawnlock.os.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The doctor's rules: each turns facts into a finding with plain advice, using what was measured on this
 * kind of machine: FORK costs ~40 ms of wall time per GiB of
 * anonymous memory not on huge pages; the child closes each open descriptor at ~2.8 µs.
 */
final class Rules {
    static final double FORK_MS_PER_GIB = 40;
    static final double CLOSE_US_PER_DESCRIPTOR = 2.8;
    /** From this many open descriptors on, the child's sweep is worth naming (~3 ms a spawn). */
    static final long MANY_DESCRIPTORS = 1000;

    /** One finding: "warn" (spawns are or will be slow or failing), "note" (worth knowing), "ok". */
    static final class Finding {
        final String level;
        final String text;
        final String advice;

        Finding(String level, String text, String advice) {
            this.level = level;
            this.text = text;
            this.advice = advice;
        }

        @Override
        public String toString() {
            return "[" + level + "] " + text + (advice == null ? "" : "\n       advice: " + advice);
        }
    }

    private Rules() {}

    static List<Finding> check(Facts f) {
        List<Finding> findings = new ArrayList<>();
        boolean fork = "FORK".equals(f.launchMechanism);
        if (fork && f.anonNotHugeBytes >= 0) {
            double gib = f.anonNotHugeBytes / (double) Facts.GIB;
            double ms = gib * FORK_MS_PER_GIB;
            if (ms >= 5) {
                findings.add(new Finding("warn", String.format(Locale.ROOT, "FORK with %.1f GiB of anonymous memory not on"
                        + " huge pages: each spawn copies its page tables (~%.0f ms per spawn here, in the kernel, while"
                        + " any lock around the spawn is held)", gib, ms),
                        "use POSIX_SPAWN (remove -Djdk.lang.Process.launchMechanism=FORK), or put the heap on huge"
                        + " pages (-XX:+UseTransparentHugePages with THP enabled=madvise or always)"));
            }
            if ("never".equals(f.transparentHugePages) && ms >= 5) {
                findings.add(new Finding("note", "transparent huge pages are off (enabled=never): -XX:+UseTransparentHugePages"
                        + " cannot shrink FORK's page-table copy", "set /sys/kernel/mm/transparent_hugepage/enabled to madvise"));
            }
            if (f.overcommit == 2) {
                findings.add(new Finding("warn", "FORK with vm.overcommit_memory=2 (strict): fork() must commit the whole"
                        + " JVM's memory again, so spawns fail with ENOMEM when the heap is large",
                        "use POSIX_SPAWN, which does not duplicate the JVM's memory"));
            }
        }
        if ("VFORK".equals(f.launchMechanism)) {
            findings.add(new Finding(f.jdkMajor >= 25 ? "warn" : "note", "VFORK is deprecated"
                    + (f.jdkMajor >= 25 ? " on JDK " + f.jdkMajor + ", which prints a warning on stderr at the first spawn" : ""),
                    "remove -Djdk.lang.Process.launchMechanism=VFORK: the default, POSIX_SPAWN, is as fast and supported"));
        }
        if (f.openDescriptors >= MANY_DESCRIPTORS) {
            double ms = f.openDescriptors * CLOSE_US_PER_DESCRIPTOR / 1000;
            findings.add(new Finding(ms >= 10 ? "warn" : "note", String.format(Locale.ROOT, "%d open descriptors: the child"
                    + " of every spawn closes each before exec, ~%.0f ms per spawn in any launch mechanism, waited for"
                    + " by start()", f.openDescriptors, ms), "close the descriptors (connections, files) you do not need"));
        }
        if (f.openDescriptors >= 0 && f.descriptorSoftLimit > 0 && f.descriptorSoftLimit != Long.MAX_VALUE
                && f.openDescriptors >= 0.8 * f.descriptorSoftLimit) {
            findings.add(new Finding("warn", f.openDescriptors + " of " + f.descriptorSoftLimit + " descriptors are open:"
                    + " a spawn needs several more (pipes) and fails with 'Too many open files' at the limit",
                    "raise the limit (ulimit -n, LimitNOFILE=) or close descriptors"));
        }
        if (f.clocksource != null && !f.clocksource.equals("tsc") && !f.clocksource.equals("kvm-clock")
                && !f.clocksource.equals("arch_sys_counter")) {
            findings.add(new Finding("note", "clocksource " + f.clocksource + ": System.nanoTime() may be a system call"
                    + " here, which makes every timed lock and spawn measurement slower", "prefer tsc or kvm-clock if the platform offers it"));
        }
        if (findings.isEmpty()) {
            findings.add(new Finding("ok", "nothing in the settings slows spawns: " + f.launchMechanism
                    + (f.openDescriptors >= 0 ? ", " + f.openDescriptors + " open descriptors" : ""), null));
        }
        return findings;
    }
}
