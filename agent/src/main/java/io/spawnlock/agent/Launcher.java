package io.spawnlock.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;

/**
 * The jar's Premain-Class, Agent-Class and Main-Class.
 *
 * <p>A trampoline: it uses java.base only and names no agent type in its bytecode, because it is loaded by
 * the application class loader before the probes exist in the boot loader. It defines the probes, then
 * hands over to the isolated core by reflection.
 */
public final class Launcher {
    private static final String CORE = "io.spawnlock.core.AgentCore";
    private static final String CLI = "io.spawnlock.cli.Cli";
    private static final String COMMAND_PREFIX = "@";
    private static final String REPLY_PROPERTY = "spawnlock.reply";

    private static JarFile agentJar;
    /**
     * The system property that tells from outside ({@code attach}, {@code dump <pid>}, over the Attach API)
     * that the agent is loaded in a JVM; a compile-time constant, so the core's copy reads the same.
     */
    public static final String RUNNING_PROPERTY = "spawnlock.agent";
    /** The early gate of an agent loaded at JVM start that has not been asked to start yet; or null. */
    private static volatile EarlyGate lazyGate;
    private static ClassLoader coreLoader;

    private Launcher() {}

    /**
     * Registers the early gate, which starts the agent on a thread of its own once there is something to
     * measure ({@link EarlyGate}): the application's main does not wait for the agent's class loading and
     * option parsing, and a JVM that never spawns nor locks pays almost nothing. With {@code strict},
     * {@code locks} or {@code spawns} in the options it starts here instead: a bad option must stop the JVM
     * before main, and the named application classes must be held from the first.
     */
    public static void premain(String options, Instrumentation inst) {
        if (startsInPremain(options)) {
            startAgent(options, inst, false, null);
            return;
        }
        EarlyGate gate = new EarlyGate();
        inst.addTransformer(gate, true);
        Runtime.getRuntime().addShutdownHook(gate.exitHook());
        lazyGate = gate;
        System.setProperty(RUNNING_PROPERTY, "start=premain"); // the core writes the whole value once it starts
        try {
            DumpSignal.install(options, gate);
        } catch (LinkageError noSignalApi) {
            // a runtime without jdk.unsupported: no early handler; the agent reports its own when it starts
        }
        gate.arm(new Start(options, inst, gate)); // no lambda: premain must not pay for the JVM's lambda machinery
    }

    /** The agent's start, on the early gate's starter thread. */
    private static final class Start implements Runnable {
        private final String options;
        private final Instrumentation inst;
        private final EarlyGate gate;

        Start(String options, Instrumentation inst, EarlyGate gate) {
            this.options = options;
            this.inst = inst;
            this.gate = gate;
        }

        @Override
        public void run() {
            startAgent(options, inst, false, gate);
        }
    }

    /** The keys of the options that make the agent start in premain; the core's option table uses them too. */
    public static final String STRICT = "strict";
    public static final String LOCKS = "locks";
    public static final String SPAWNS = "spawns";

    /** Whether an option that must act before main is given: a key of the comma-separated list, not a substring. */
    static boolean startsInPremain(String options) {
        return option(options, STRICT) != null || option(options, LOCKS) != null || option(options, SPAWNS) != null;
    }

    /**
     * The value of {@code key} in the raw, comma-separated options ("" for the key alone), or null when it is
     * not given: what the launcher must know before the core has parsed them (the core says what is wrong).
     */
    static String option(String options, String key) {
        if (options == null) {
            return null;
        }
        String value = null;
        for (String item : options.split(",")) {
            int eq = item.indexOf('=');
            if ((eq < 0 ? item : item.substring(0, eq)).trim().equals(key)) {
                value = eq < 0 ? "" : item.substring(eq + 1).trim();
            }
        }
        return value;
    }

    /**
     * Attach: loads the agent, or, with options {@code @<command>:<nonce>} (from {@code dump <pid>}), runs a
     * command in the agent already loaded and leaves the answer in the system property
     * {@code spawnlock.reply} as {@code <nonce> <answer>}, which the caller reads over the Attach API.
     */
    public static void agentmain(String options, Instrumentation inst) {
        EarlyGate lazy = lazyGate;
        if (lazy != null) { // loaded at JVM start and maybe idle: asked for, it starts now
            lazy.trigger();
            try {
                lazy.awaitStart();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (options != null && options.startsWith(COMMAND_PREFIX)) {
            int colon = options.indexOf(':');
            String command = options.substring(1, colon < 0 ? options.length() : colon);
            String nonce = colon < 0 ? "" : options.substring(colon + 1);
            String answer = command(command);
            System.setProperty(REPLY_PROPERTY, nonce + " " + answer);
            return;
        }
        startAgent(options, inst, true, null);
    }

    /** Runs a command ({@code dump}, {@code dump:<trigger>}) in the agent's core, started; its answer. */
    static String command(String name) {
        try {
            return String.valueOf(coreLoader().loadClass(CORE).getMethod("command", Object.class).invoke(null, name));
        } catch (InvocationTargetException e) {
            return "error: " + e.getCause();
        } catch (Throwable t) {
            return "error: " + t;
        }
    }

    /** {@code java -jar spawnlock-agent.jar <command> ...}: the offline tools. */
    public static void main(String[] args) throws Throwable {
        int status;
        try {
            Object result = coreLoader().loadClass(CLI).getMethod("run", String[].class).invoke(null, (Object) args);
            status = (Integer) result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        System.exit(status);
    }

    private static void startAgent(String options, Instrumentation inst, boolean attached, EarlyGate earlyGate) {
        Throwable failure;
        try {
            synchronized (Launcher.class) { // start-up only, never on a spawn path
                // Same erased shape as premain itself, (Object, Object): JDK 18+ reflection then reuses the
                // method-handle forms the JVM made to call premain, instead of spinning new ones (~10 ms).
                coreLoader()
                        .loadClass(CORE)
                        .getMethod("start", Object.class, Object.class)
                        .invoke(null, inst, new Object[] {options, attached, new ProbeDefinition(inst, agentJar()), earlyGate,
                                earlyGate == null ? null : earlyGate.held()});
            }
            return;
        } catch (InvocationTargetException e) {
            failure = e.getCause();
        } catch (Throwable t) {
            failure = t;
        }
        System.err.println("spawnlock: agent disabled, could not start: " + failure
                + " (the application runs without it)");
    }

    /**
     * Defines the probes in the boot loader when called. The core calls it on its own thread: it costs
     * 15-50 ms (module redefinition, reflection), which the application's main should not wait for.
     */
    private static final class ProbeDefinition implements Callable<Void> {
        private final Instrumentation inst;
        private final JarFile jar;

        ProbeDefinition(Instrumentation inst, JarFile jar) {
            this.inst = inst;
            this.jar = jar;
        }

        @Override
        public Void call() throws Exception {
            try {
                BootProbes.define(inst, jar);
                return null;
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static synchronized ClassLoader coreLoader() throws Exception {
        if (coreLoader == null) {
            coreLoader = new IsolatedClassLoader(agentJar(), agentJarUrl());
        }
        return coreLoader;
    }

    /** Opened once and kept open: the core loader reads its classes from it for the JVM's lifetime. */
    private static synchronized JarFile agentJar() throws Exception {
        if (agentJar == null) {
            agentJar = new JarFile(new File(agentJarUrl().toURI()));
        }
        return agentJar;
    }

    private static URL agentJarUrl() {
        return Launcher.class.getProtectionDomain().getCodeSource().getLocation();
    }
}
