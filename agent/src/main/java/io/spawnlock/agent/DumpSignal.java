package io.spawnlock.agent;

import java.util.Locale;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The dump signal's handler while the agent has not started: the signal starts it instead of killing the
 * JVM (the default action of SIGUSR1), and asks it for the dump once it has. Once the agent's dumps are set
 * up, its own handler takes the signal and calls this one after it, which then does nothing.
 */
public final class DumpSignal implements SignalHandler {
    /** The signals a dump may be tied to, and the default; compile-time constants the options read too. */
    public static final String SIGNALS = "USR1,WINCH,URG";
    public static final String DEFAULT = "USR1";
    /** The option that names the signal (read here before the core parses the options). */
    public static final String KEY = "signal";
    private final EarlyGate gate;

    private DumpSignal(EarlyGate gate) {
        this.gate = gate;
    }

    /** Installs the handler for the signal the options name (none with {@code signal=off} or a bad name). */
    static void install(String options, EarlyGate gate) {
        String name = signalOf(options);
        if (name == null) {
            return;
        }
        try {
            Signal.handle(new Signal(name), new DumpSignal(gate));
        } catch (RuntimeException | LinkageError e) {
            // taken by the JVM, or no sun.misc: the agent says so when it starts and installs its own
        }
    }

    /** The signal's name from the raw options ({@code signal=...}, else the default), or null for none. */
    static String signalOf(String options) {
        String given = Launcher.option(options, KEY);
        String value = given == null ? DEFAULT : given.toUpperCase(Locale.ROOT);
        if (value.startsWith("SIG")) {
            value = value.substring(3);
        }
        for (String s : SIGNALS.split(",")) {
            if (s.equals(value)) {
                return value;
            }
        }
        return null; // off, or a name the options will refuse
    }

    @Override
    public void handle(Signal signal) {
        if (System.getProperty(HANDLED_PROPERTY) != null) {
            return; // the agent's own handler has it, and calls this one as the handler before it
        }
        gate.trigger();
        try { // a thread of the JVM's own for this signal: it may wait
            gate.awaitStart();
        } catch (InterruptedException e) {
            return;
        }
        Launcher.command("dump:SIG" + signal.getName() + " (before the agent had started)");
    }

    /** Set by the agent once its dumps take the signal; a compile-time constant the core's copy reads the same. */
    public static final String HANDLED_PROPERTY = "spawnlock.signal";
}
