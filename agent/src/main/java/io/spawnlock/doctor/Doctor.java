package io.spawnlock.doctor;

import io.spawnlock.os.Facts;
import io.spawnlock.os.ThreadUsage;
import io.spawnlock.recording.Units;
import java.io.PrintStream;
import java.util.List;

/** {@code doctor [<pid>]}: the facts that decide spawn latency, and what to do about them. */
public final class Doctor {
    private Doctor() {}

    /**
     * @param pid      a process id, or null for the JVM running the doctor (the machine's defaults)
     * @param warnings receives the text of each warning found in the settings
     */
    public static void run(String pid, PrintStream out, List<String> warnings) {
        Facts f = Facts.of(pid == null ? "self" : pid);
        out.println(pid == null ? "spawnlock doctor: this machine, a JVM with default options" : "spawnlock doctor: process " + pid);
        out.println("  JDK                       " + (f.jdkMajor < 0 ? "unknown" : Integer.toString(f.jdkMajor)));
        out.println("  launch mechanism          " + f.launchMechanism);
        out.println("  resident memory           " + size(f.residentBytes));
        out.println("  anonymous, not huge pages " + size(f.anonNotHugeBytes));
        out.println("  open descriptors          " + (f.openDescriptors < 0 ? "unknown" : f.openDescriptors) + " (soft limit "
                + (f.descriptorSoftLimit == Long.MAX_VALUE ? "unlimited" : f.descriptorSoftLimit < 0 ? "unknown" : f.descriptorSoftLimit) + ")");
        out.println("  transparent huge pages    " + (f.transparentHugePages == null ? "unknown" : f.transparentHugePages)
                + (f.jvmUsesHugePages ? " (the JVM asks for them)" : ""));
        out.println("  vm.overcommit_memory      " + (f.overcommit < 0 ? "unknown" : f.overcommit));
        out.println("  clocksource               " + (f.clocksource == null ? "unknown" : f.clocksource));
        if (pid == null) {
            out.println("  spawn CPU, by the agent   " + ThreadUsage.plannedSource());
        }
        out.println();
        List<Rules.Finding> findings = Rules.check(f);
        for (Rules.Finding finding : findings) {
            out.println(finding);
            if (finding.level.equals("warn")) {
                warnings.add(finding.text);
            }
        }
    }

    private static String size(long bytes) {
        return bytes < 0 ? "unknown" : Units.bytes(bytes);
    }
}
