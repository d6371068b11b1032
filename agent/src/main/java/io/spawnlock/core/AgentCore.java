package io.spawnlock.core;

import io.spawnlock.config.AgentOptions;
import io.spawnlock.config.OptionException;
import io.spawnlock.probe.SpawnProbe;
import io.spawnlock.recording.IntervalLog;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.SpawnRecorder;
import io.spawnlock.spawn.LaunchMechanism;
import io.spawnlock.spawn.SpawnTransformer;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent inside the JVM: reads the options, connects the probes to the recording, installs the spawn
 * instrumentation and keeps the log. Called by the launcher, in the isolated class loader.
 */
public final class AgentCore {
    private static volatile AgentCore running;

    /** Taken before any recorder exists, so no interval starts before the log's base time. */
    private final long startMillis = System.currentTimeMillis();
    private final AgentOptions options;
    private final Instrumentation inst;
    private final AgentWarnings warnings = new AgentWarnings(System.err);
    private final Recording recording = new Recording();
    private final SpawnRecorder spawnRecorder = new SpawnRecorder(recording);
    private volatile IntervalLog log;
    private volatile boolean launchMechanismLogged;

    private AgentCore(AgentOptions options, Instrumentation inst) {
        this.options = options;
        this.inst = inst;
    }

    /**
     * Starts the agent. A bad option disables it with one line on stderr; with {@code strict=true} at JVM
     * start, it stops the JVM (exit 1) before {@code main}. An attach never stops a running JVM.
     */
    public static void start(String rawOptions, Instrumentation inst, boolean attached) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(rawOptions);
        } catch (OptionException e) {
            if (AgentOptions.requestsStrict(rawOptions) && !attached) {
                System.err.println("spawnlock: " + e.getMessage() + "; strict=true, so the JVM stops");
                System.exit(1);
            }
            System.err.println("spawnlock: " + e.getMessage()
                    + "; the agent is off and the application runs without it (strict=true stops the JVM instead)");
            return;
        }
        if (running != null) {
            System.err.println("spawnlock: the agent is already running in this JVM; the new options are ignored");
            return;
        }
        AgentCore core = new AgentCore(options, inst);
        running = core;
        core.begin(attached);
    }

    private void begin(boolean attached) {
        long pid = ProcessHandle.current().pid();
        if (options.logEnabled()) {
            LocalDateTime startTime = LocalDateTime.ofInstant(Instant.ofEpochMilli(startMillis), ZoneId.systemDefault());
            String path = AgentOptions.expand(options.log(), pid, startTime);
            try {
                IntervalLog l = IntervalLog.create(Paths.get(path), recording, warnings,
                        header(pid, attached), startMillis);
                warnings.logTo(l::comment);
                log = l;
            } catch (IOException | RuntimeException e) {
                warnings.warnOnce("log-create", "cannot create the log " + path + " ("
                        + AgentWarnings.describe(e) + "); measuring goes on without a log");
            }
        }
        SpawnProbe.setListener(spawnRecorder);
        new SpawnTransformer(warnings).install(inst);

        Thread periodic = new Thread(this::everyInterval, "spawnlock-log");
        periodic.setDaemon(true);
        periodic.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::atShutdown, "spawnlock-shutdown"));
    }

    private List<String> header(long pid, boolean attached) {
        List<String> lines = new ArrayList<>();
        lines.add("version=" + Version.get() + " pid=" + pid + " start=" + (attached ? "attach" : "premain")
                + " jdk=" + System.getProperty("java.runtime.version") + " vendor=\""
                + System.getProperty("java.vendor") + "\"");
        StringBuilder opts = new StringBuilder("options");
        for (Map.Entry<String, String> e : options.describe().entrySet()) {
            opts.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        lines.add(opts.toString());
        lines.add("launchMechanism expected=" + LaunchMechanism.expected());
        lines.add("values in nanoseconds; Interval_Max in milliseconds");
        return lines;
    }

    private void everyInterval() {
        long interval = options.intervalNanos();
        long next = System.nanoTime() + interval;
        while (true) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            next += interval;
            checkHealth();
            IntervalLog l = log;
            if (l != null && !l.writeInterval()) {
                return;
            }
        }
    }

    private void atShutdown() {
        checkHealth();
        IntervalLog l = log;
        if (l != null) {
            l.close();
        }
    }

    /** Reports, once each, what only shows after the fact; runs on the log thread, never on a spawn path. */
    private void checkHealth() {
        Throwable failure = SpawnProbe.listenerFailure();
        if (failure != null) {
            warnings.warnOnce("spawn-recording", "recording a spawn failed (" + AgentWarnings.describe(failure)
                    + "); spawns are no longer measured");
        }
        if (!launchMechanismLogged && spawnRecorder.spawns() > 0) {
            launchMechanismLogged = true;
            String actual = LaunchMechanism.actual(inst);
            IntervalLog l = log;
            if (actual != null && l != null) {
                l.comment("launchMechanism=" + actual);
            }
        }
    }
}
