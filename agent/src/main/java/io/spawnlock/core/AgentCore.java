package io.spawnlock.core;

import io.spawnlock.accept.AcceptClassRewriter;
import io.spawnlock.accept.AcceptPaths;
import io.spawnlock.capability.Capability;
import io.spawnlock.capability.ClassRewriter;
import io.spawnlock.config.AgentOptions;
import io.spawnlock.config.OptionException;
import io.spawnlock.config.TestFaults;
import io.spawnlock.dumps.Dumps;
import io.spawnlock.export.JfrEvents;
import io.spawnlock.export.OpenMetricsFile;
import io.spawnlock.export.Spawnlock;
import io.spawnlock.guard.AgentWarnings;
import io.spawnlock.guard.Privileged;
import io.spawnlock.locks.LockDiscovery;
import io.spawnlock.locks.SpawnCalls;
import io.spawnlock.locks.SpawnLocks;
import io.spawnlock.os.ProcessSampler;
import io.spawnlock.os.ThreadUsage;
import io.spawnlock.recording.IntervalLog;
import io.spawnlock.recording.Recording;
import io.spawnlock.recording.TagRecorder;
import io.spawnlock.recording.Units;
import io.spawnlock.spawn.EntryPoints;
import io.spawnlock.spawn.LaunchMechanism;
import io.spawnlock.spawn.SpawnClasses;
import io.spawnlock.spawn.SpawnRecorder;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The agent inside the JVM: reads the options, connects the probes to the recording, installs the spawn
 * instrumentation and keeps the log. Called by the launcher, in the isolated class loader.
 *
 * <p>Start-up manners: the application's {@code main} waits only for option parsing and the registration
 * of one transformer. Everything costly (HdrHistogram, the log file, ByteBuddy) happens on the agent's
 * one thread, which then stays on as the log writer. No lambdas or string concatenation bootstraps here:
 * each would cost milliseconds before {@code main}. No class loaded before {@code main} may name a probe
 * type either: the probes are defined later, on the agent thread.
 */
public final class AgentCore {
    /** How long the shutdown hook waits for a start-up that is still creating the log. */
    private static final long SHUTDOWN_WAIT_SECONDS = 5;
    private static volatile AgentCore running;
    /** Set once the agent runs in a JVM; its value says which version, how it started and its log option. */
    public static final String RUNNING_PROPERTY = io.spawnlock.agent.Launcher.RUNNING_PROPERTY;
    public static final String DUMPS_PROPERTY = "spawnlock.dumps";
    public static final String SIGNAL_PROPERTY = io.spawnlock.agent.DumpSignal.HANDLED_PROPERTY;
    /** How long the spawn classes wait for the CPU source at most: the first spawns' split against their delay. */
    private static final long CPU_SOURCE_WAIT_MILLIS = 150;
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    /** Taken before any recorder exists, so no interval starts before the log's base time. */
    private final long startMillis = System.currentTimeMillis();
    private final AgentOptions options;
    private final Instrumentation inst;
    private final boolean attached;
    /** Puts the probes into the boot loader; until it has run, no class here may touch a probe type. */
    private final Callable<?> defineProbes;
    private final AgentWarnings warnings = new AgentWarnings(System.err);
    private final ClassGate gate;
    /** The spawning methods the load-time pass and discovery share; null when discovery is off. */
    private final SpawnCalls spawnCalls;
    /** Counted down once the recording and the log exist; publishes the fields below. */
    private final CountDownLatch recordingReady = new CountDownLatch(1);
    private SpawnRecorder spawnRecorder;
    private Recording recording;
    private Dumps dumps;
    private SpawnLocks spawnLocks;
    private LockDiscovery discovery;
    /** Written by the agent thread once, read by class-loading threads writing notes. */
    private volatile IntervalLog log;
    /** Notes written before the log exists (the load-time pass starts first); false once it exists or never will. */
    private volatile boolean logPending = true;
    private final ConcurrentLinkedQueue<String> pendingNotes = new ConcurrentLinkedQueue<>();
    /** The measured parts, which the agent thread samples and asks about their health each interval, and at exit the shutdown hook. */
    private final List<Capability> capabilities = new CopyOnWriteArrayList<>();
    /** The OpenMetrics textfile; null when not asked for. Used by the agent thread and, at exit, the shutdown hook. */
    private OpenMetricsFile metrics;
    /** The MBean until it is registered; set by the set-up thread, registered by the agent thread. */
    private volatile Spawnlock mbean;
    private volatile boolean launchMechanismLogged;
    /** Why JNA is not the CPU source, when it is not; written by {@link #cpuSource}. */
    private final StringBuilder whyNotJna = new StringBuilder();
    /**
     * The first per-spawn CPU source, the JDK's clock (~30 ms to load), loaded on the set-up thread while the
     * agent thread starts the rest; the spawn classes wait for it a little (CPU_SOURCE_WAIT_MILLIS). JNA's
     * getrusage, with the details, takes over once it has loaded.
     */
    private final FutureTask<ThreadUsage> cpuSource = new FutureTask<>(ThreadUsage::jdkClock);
    private final AtomicBoolean cpuSourceUsed = new AtomicBoolean();

    private AgentCore(AgentOptions options, Instrumentation inst, boolean attached, Callable<?> defineProbes) {
        this.options = options;
        this.inst = inst;
        this.attached = attached;
        this.defineProbes = defineProbes;
        this.spawnCalls = options.discover() ? new SpawnCalls(options.spawns()) : null;
        Set<String> heldJdkClasses = new HashSet<>(Arrays.asList(SpawnClasses.PROCESS_BUILDER, SpawnClasses.PROCESS_IMPL));
        if (options.accept()) {
            heldJdkClasses.add(AcceptClassRewriter.SERVER_CHANNEL);
        }
        this.gate = new ClassGate(warnings, heldJdkClasses, options.namedClasses(),
                spawnCalls == null ? Collections.<String>emptySet() : spawnCalls.owners(),
                spawnCalls == null ? Collections.<String>emptySet() : spawnCalls.names());
    }

    /**
     * Entry from the launcher: {@code launch} is {options (String or null), attached (Boolean), the probe
     * definition (Callable), the launcher's early gate (taking the class gate and the exit work) or null,
     * and the class loads that gate held (a queue of {@code "internal/Name nanos"}) or null}. Typed as premain
     * is, (Object, Object), so that calling it reflectively is cheap.
     */
    @SuppressWarnings("unchecked")
    public static void start(Object instrumentation, Object launch) {
        Object[] args = (Object[]) launch;
        earlyHolds = args.length > 4 ? (Queue<String>) args[4] : null;
        Privileged.run(() -> start((String) args[0], (Instrumentation) instrumentation, (Boolean) args[1],
                (Callable<?>) args[2], (BiConsumer<ClassFileTransformer, Runnable>) args[3]));
    }

    /** The class loads the launcher's early gate held before this core was there; null when there was none. */
    private static volatile Queue<String> earlyHolds;

    /**
     * Starts the agent. A bad option disables it with one line on stderr; with {@code strict=true} at JVM
     * start, it stops the JVM (exit 1) before {@code main}. An attach never stops a running JVM.
     *
     * <p>{@code earlyGate}, when not null, is the transformer and shutdown hook the launcher registered in
     * premain before it started the agent on a thread of its own: they take over the class gate and the exit
     * work, which are then not registered here.
     */
    static void start(String rawOptions, Instrumentation inst, boolean attached, Callable<?> defineProbes,
                      BiConsumer<ClassFileTransformer, Runnable> earlyGate) {
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
        AgentCore core = new AgentCore(options, inst, attached, defineProbes);
        running = core;
        // how `attach` and `dump <pid>` tell from outside that the agent runs here (read over the Attach API)
        System.setProperty(RUNNING_PROPERTY, "version=" + Version.get() + " start=" + (attached ? "attach" : "premain")
                + " log=" + options.log());
        Thread agentThread = new AgentThread(core);
        core.gate.preparedBy(agentThread);
        ShutdownHook exitWork = new ShutdownHook(core);
        boolean afterTheApplication = LateExit.register(inst, exitWork);
        if (earlyGate != null) {
            core.gate.resolve();
            earlyGate.accept(core.gate, afterTheApplication ? null : exitWork);
        } else {
            core.gate.register(inst);
            if (!afterTheApplication) {
                Runtime.getRuntime().addShutdownHook(exitWork);
            }
        }
        agentThread.start();
    }

    /**
     * A command from outside ({@code dump <pid>}), on the thread the Attach API runs agentmain on; returns
     * the answer for the caller. Typed (Object) as {@link #start} is, for the launcher's reflective call.
     */
    public static Object command(Object name) {
        return Privileged.call(() -> answer(name));
    }

    private static Object answer(Object name) {
        AgentCore core = running;
        if (core == null) {
            return "error: the agent does not run in this JVM";
        }
        String trigger = "dump command";
        if (name instanceof String && ((String) name).startsWith("dump:")) { // the launcher's: a signal before the start
            trigger = ((String) name).substring("dump:".length());
        } else if (!"dump".equals(name)) {
            return "error: unknown command " + name;
        }
        try {
            if (!core.recordingReady.await(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || core.dumps == null) {
                return "error: the agent is not measuring (see the log or stderr of the process)";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error: interrupted";
        }
        return core.dumps.requestAndWait(trigger, TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS));
    }

    /** On the agent thread: everything start-up does not have to wait for, then the periodic log. */
    private void runAgentThread() {
        try {
            startInBackground();
            try {
                defineProbes.call();
            } catch (Throwable t) {
                warnings.warnOnce("probes", "spawns are not measured: the probes could not be defined in the boot"
                        + " loader (" + AgentWarnings.describe(t) + ")");
                gate.giveUp(inst);
                recordingReady.countDown();
                return;
            }
            try {
                setUpRecording();
            } finally {
                recordingReady.countDown();
            }
            gate.retransformWhatGotThrough(inst);
            gate.catchUp(inst);
            Thread.currentThread().setName("spawnlock-log");
            writeEveryInterval();
        } catch (Throwable t) { // a broken jar, say: one line, never a stack trace in the application's output
            warnings.warnOnce("agent-thread", "the agent stopped (" + AgentWarnings.describe(t)
                    + "); the application runs on unmeasured");
            gate.giveUp(inst);
            recordingReady.countDown();
        }
    }

    private void setUpRecording() {
        TestFaults.armIfAllowed();
        recording = new Recording();
        spawnLocks = new SpawnLocks(recording);
        spawnLocks.listen();
        if (options.discover()) {
            discovery = new LockDiscovery(spawnLocks, spawnCalls, inst, warnings, this::note);
            discovery.workOn(Thread.currentThread());
        }
        if (options.discover() || !options.locks().isEmpty()) {
            spawnLocks.rewriteClasses(options.locks(), spawnCalls, warnings, this::note);
        }
        SpawnCalls learns = spawnCalls;
        EntryPoints bypassing = new EntryPoints(options.spawns(), (owner, name, descriptor) -> {
            if (learns != null) {
                learns.entryPoint(owner, name, descriptor);
            }
        }, this::note, warnings::warnOnce);
        spawnRecorder = SpawnRecorder.listenTo(recording, spawnLocks, discovery, bypassing, warnings);
        // The parts, in the order their class gate entries see a class: the spawn entry points first, so the
        // lock rewriter sees which application methods spawn.
        register(spawnRecorder);
        register(spawnLocks);
        if (options.accept()) {
            try {
                register(AcceptPaths.listenTo(recording, inst));
            } catch (ReflectiveOperationException | RuntimeException e) {
                warnings.warnOnce("accept", "accept paths are not measured: this JDK's channels could not be read ("
                        + AgentWarnings.describe(e) + ")");
            }
        }
        gate.openApplicationClasses(inst);
        // The spawn classes wait a little for the CPU source, so the first spawns have their CPU split; the
        // log and the rest come after (a spawn recorded before the log exists is in its first interval).
        if (awaitCpuSource()) {
            useCpuSource();
        }
        gate.open();
        long pid = ProcessHandle.current().pid();
        LocalDateTime startTime = LocalDateTime.ofInstant(Instant.ofEpochMilli(startMillis), ZoneId.systemDefault());
        if (options.logEnabled()) {
            String path = AgentOptions.expand(options.log(), pid, startTime);
            try {
                IntervalLog l = IntervalLog.create(Paths.get(path), recording, warnings, header(pid), startMillis);
                warnings.logTo(l::comment);
                log = l;
            } catch (IOException | RuntimeException e) {
                warnings.warnOnce("log-create", "cannot create the log " + path + " ("
                        + AgentWarnings.describe(e) + "); measuring goes on without a log");
            }
        }
        logPending = false;
        flushPendingNotes();
        if (options.metricsEnabled()) {
            metrics = new OpenMetricsFile(Paths.get(AgentOptions.expand(options.metrics(), pid, startTime)), pid);
        }
        ProcessSampler processSampler = new ProcessSampler(recording);
        processSampler.sample(); // the first interval has its values too
        register(processSampler);
        dumps = startDumps(pid, startTime);
        // for `dump <pid>`: where the dumps go and which signal asks for one (read over the Attach API)
        System.setProperty(DUMPS_PROPERTY, dumps.directory().toAbsolutePath().toString());
        System.setProperty(SIGNAL_PROPERTY, options.signal().toUpperCase(java.util.Locale.ROOT));
    }

    /** Adds a measured part: the agent thread samples it and asks about its health; the class gate gets its entries. */
    private void register(Capability part) {
        capabilities.add(part);
        for (ClassRewriter r : part.rewriters()) {
            gate.add(r);
        }
    }

    /**
     * What the agent's start added to the application: each class load it held until it was ready (a spawn
     * class's hold is part of the first spawn, an application class's delays its first run): in the log with
     * the interval after them, or at exit.
     */
    private synchronized void noteHeldClassLoads() { // the agent thread's intervals and the exit; no spawn path
        Map<String, Long> held = new LinkedHashMap<>();
        for (Queue<String> q : Arrays.asList(earlyHolds, gate.held())) {
            for (String h; q != null && (h = q.poll()) != null; ) {
                int space = h.lastIndexOf(' ');
                held.merge(h.substring(0, space).replace('/', '.'), Long.parseLong(h.substring(space + 1)), Long::sum);
            }
        }
        if (held.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("class loads held until the agent was ready:");
        long total = 0;
        for (Map.Entry<String, Long> e : held.entrySet()) {
            text.append(' ').append(e.getKey()).append(' ').append(Units.nanos(e.getValue())).append(',');
            total += e.getValue();
        }
        text.setLength(text.length() - 1);
        note(text + " (" + Units.nanos(total) + " in all; a spawn class's hold is part of the first spawn)");
    }

    /** Waits a little for the CPU source, so the first spawns have their CPU split; whether it is there. */
    private boolean awaitCpuSource() {
        try {
            cpuSource.get(CPU_SOURCE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return cpuSource.isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Hands the CPU source, once it is loaded, to the spawn recorder, once; by whichever thread gets there first. */
    private void useCpuSource() {
        if (!cpuSource.isDone() || !cpuSourceUsed.compareAndSet(false, true)) {
            return;
        }
        try {
            ThreadUsage usage = cpuSource.get();
            spawnRecorder.measureUsageWith(usage);
            note("spawn CPU from " + usage.describe() + "; measured from " + (System.currentTimeMillis() - startMillis)
                    + " ms after the agent started");
        } catch (ExecutionException e) {
            SpawnRecorder.usageFailed(warnings, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The parts that load a JDK module or a native library, on a thread of their own beside ByteBuddy's
     * start: per-spawn CPU (JNA or the JDK's management classes, 100-200 ms), then the MBean. Spawns before
     * the CPU source is ready have no CPU split.
     */
    private void startInBackground() {
        Thread t = new Thread(() -> Privileged.always(this::setUpInBackground), "spawnlock-setup");
        t.setDaemon(true);
        t.start();
    }

    private void setUpInBackground() {
        // First what the first spawns want beside the agent thread's own start: the CPU source, and the
        // recording's classes loaded; then the rest.
        cpuSource.run();
        TagRecorder.loadClasses();
        ThreadUsage best = null;
        try {
            best = ThreadUsage.best(whyNotJna); // JNA where it prints nothing, else the JDK's clock again
        } catch (RuntimeException | LinkageError e) {
            whyNotJna.append(AgentWarnings.describe(e));
        }
        try {
            recordingReady.await();
        } catch (InterruptedException e) {
            return;
        }
        if (spawnRecorder == null) {
            return; // the agent could not start; it said so
        }
        useCpuSource();
        if (best != null && best.detailed() && spawnRecorder.usageFailure() == null) {
            spawnRecorder.measureUsageWith(best);
            note("spawn CPU from " + best.describe() + "; measured from " + (System.currentTimeMillis() - startMillis)
                    + " ms after the agent started (before, from the JDK's thread CPU clock)");
        } else if (whyNotJna.length() > 0) {
            note("JNA not used: " + whyNotJna + "; spawn CPU stays on the JDK's thread CPU clock");
        }
        try {
            JfrEvents jfr = new JfrEvents(spawnLocks::deliverEachRelease);
            spawnRecorder.emitTo(jfr, options.args());
            spawnLocks.emitTo(jfr);
            jfr.listen();
        } catch (RuntimeException | LinkageError e) { // a runtime without jdk.jfr: the log says so, stderr stays clean
            note("no JFR events: " + AgentWarnings.describe(e));
        }
        if (options.jmx()) {
            mbean = new Spawnlock(recording, dumps);
        }
    }

    /**
     * Registers the MBean once the JVM has an MBean server, made by the application, its container or a JMX
     * client (JConsole starts the local management agent): creating the platform server ourselves at start
     * would fix its builder before an application server sets its own. Checked every interval.
     */
    private void registerMBeanWhenThereIsAServer() {
        Spawnlock m = mbean;
        if (m == null) {
            return;
        }
        try {
            if (m.registerIfAServerExists()) {
                mbean = null;
            }
        } catch (Exception | LinkageError e) {
            mbean = null;
            warnings.warnOnce("jmx", "the MBean " + Spawnlock.NAME + " is not available ("
                    + AgentWarnings.describe(e) + "); the log and dumps are not affected");
        }
    }

    /** A line for the log's record of what the agent found; nothing on the application's output. */
    private void note(String text) {
        IntervalLog l = log;
        if (l != null) {
            l.comment(text);
        } else if (logPending) {
            pendingNotes.add(text); // bounded by what the load-time pass finds before the log exists
            flushPendingNotes(); // the log may have come meanwhile
        }
    }

    private void flushPendingNotes() {
        if (logPending) {
            return;
        }
        IntervalLog l = log;
        String text;
        while ((text = pendingNotes.poll()) != null) {
            if (l != null) {
                l.comment(text);
            }
        }
    }

    private List<String> header(long pid) {
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

    private void writeEveryInterval() {
        long interval = options.intervalNanos();
        long next = System.nanoTime() + interval;
        while (true) {
            if (discovery != null) {
                discovery.processPending(); // woken early by a spawn with new call sites
            }
            if (dumps != null) {
                dumps.poll(); // woken early by a dump request
            }
            long now = System.nanoTime();
            long wait = next - now;
            if (wait > 0) {
                LockSupport.parkNanos(this, dumps == null ? wait : Math.min(wait, dumps.nanosUntilNextCheck(now)));
                continue;
            }
            next += interval;
            sampleAll();
            checkHealth();
            registerMBeanWhenThereIsAServer();
            if (dumps != null) {
                dumps.keepSignalHandler();
            }
            noteHeldClassLoads();
            if (log != null) {
                if (!log.writeInterval()) {
                    return;
                }
            } else {
                recording.takeIntervals(h -> { }); // no log: the totals since start still move on, for dumps
            }
            writeMetrics();
        }
    }

    /** The dumps, on the agent thread, with the triggers the options ask for; `dump <pid>` works always. */
    private Dumps startDumps(long pid, LocalDateTime startTime) {
        boolean signal = !"off".equalsIgnoreCase(options.signal());
        Dumps d = new Dumps(Paths.get(AgentOptions.expand(options.dumps(), pid, startTime)), options, spawnLocks,
                recording, this::launchMechanism, warnings, this::note);
        d.writeOn(Thread.currentThread());
        if (signal) {
            d.handleSignal(options.signal().toUpperCase(java.util.Locale.ROOT));
        }
        return d;
    }

    private String launchMechanism() {
        String actual = spawnRecorder != null && spawnRecorder.spawns() > 0 ? LaunchMechanism.actual(inst) : null;
        return actual != null ? actual : LaunchMechanism.expected() + " (expected; no spawn yet)";
    }

    private void atShutdown() {
        try {
            if (!recordingReady.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        if (spawnRecorder != null) {
            recording.drainNow(); // a failure in delivering the last lock events is reported below, not lost
            sampleAll(); // the last, partial interval has its values too
            checkHealth();
        }
        noteHeldClassLoads();
        if (log != null) {
            log.close();
        }
        writeMetrics(); // after the log's last interval, so the file's counts are the log's
    }

    /** The OpenMetrics textfile, if asked for; an unwritable place is one warning, and later intervals try again. */
    private void writeMetrics() {
        OpenMetricsFile m = metrics;
        if (m == null) {
            return;
        }
        try {
            m.write(recording.readSinceStart(m::render));
        } catch (IOException | RuntimeException e) {
            warnings.warnOnce("metrics", "cannot write the metrics file " + m.file() + " (" + AgentWarnings.describe(e)
                    + "); measuring goes on and later intervals try again");
        }
    }

    /** What each part samples once an interval (each stops its own sampling when that fails). */
    private void sampleAll() {
        for (Capability c : capabilities) {
            c.sample();
        }
    }

    /** Reports, once each, what only shows after the fact; runs on the agent's threads, never on a spawn. */
    private void checkHealth() {
        for (Capability c : capabilities) {
            c.reportHealth(warnings);
        }
        if (!launchMechanismLogged && spawnRecorder.spawns() > 0) {
            launchMechanismLogged = true;
            String actual = LaunchMechanism.actual(inst);
            if (actual != null) {
                spawnRecorder.launchMechanismIs(actual);
                note("launchMechanism=" + actual);
            }
        }
    }

    /** The agent's one thread: start-up work, then the log writer. A daemon: it never holds the JVM up. */
    private static final class AgentThread extends Thread {
        private final AgentCore core;

        AgentThread(AgentCore core) {
            super("spawnlock-init");
            setDaemon(true);
            this.core = core;
        }

        @Override
        public void run() {
            Privileged.always(core::runAgentThread); // a SecurityManager may come while it runs
        }
    }

    private static final class ShutdownHook extends Thread {
        private final AgentCore core;

        ShutdownHook(AgentCore core) {
            super("spawnlock-shutdown");
            this.core = core;
        }

        @Override
        public void run() {
            try {
                Privileged.run(core::atShutdown); // on the thread that exits: the application's, say
            } catch (Throwable t) { // the jar replaced under the running JVM, say: one line, no stack trace
                try {
                    core.warnings.warnOnce("agent-exit", "the agent could not write its last interval at exit ("
                            + AgentWarnings.describe(t) + ")");
                } catch (Throwable ignored) { // nothing more it can do, and nothing may reach the application
                }
            }
        }
    }
}
