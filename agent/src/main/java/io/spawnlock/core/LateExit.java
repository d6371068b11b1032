package io.spawnlock.core;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Runs the agent's exit work after every shutdown hook of the application has returned, so the log's last
 * interval holds the spawns those hooks waited for (a worker pool drained on SIGTERM, say). Shutdown hooks
 * registered with {@link Runtime#addShutdownHook} all run at once, in no order: an agent's hook among them
 * closes the log while the application's hooks may still be spawning. The JDK runs its own system hooks
 * one after the other, in slots (0 the console, 1 the application's hooks, 2 delete-on-exit); the agent
 * takes a free later slot. That takes {@code java.lang} opened to the agent's own class loader (through
 * the Instrumentation the JVM gave the agent; the application's modules are not touched). A JVM that does
 * not allow it gets an ordinary shutdown hook instead.
 */
final class LateExit {
    private static final int LAST_SLOT = 9;
    /** The slots before this one are the JDK's own. */
    private static final int FIRST_FREE_SLOT = 3;

    private LateExit() {}

    /** Registers {@code work} after the application's hooks; false if this JVM does not let it (nothing done). */
    static boolean register(Instrumentation inst, Runnable work) {
        try {
            Module base = Object.class.getModule();
            Module self = LateExit.class.getModule();
            if (!base.isOpen("java.lang", self)) {
                inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
            }
            Method add = Class.forName("java.lang.Shutdown").getDeclaredMethod("add", int.class, boolean.class,
                    Runnable.class);
            add.setAccessible(true);
            for (int slot = LAST_SLOT; slot >= FIRST_FREE_SLOT; slot--) {
                try {
                    add.invoke(null, slot, true, work); // true: also while the JVM is exiting, before this slot
                    return true;
                } catch (InvocationTargetException e) {
                    if (!(e.getCause() instanceof IllegalStateException)) {
                        return false;
                    }
                    // the slot is taken (or already past): the one before it
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // not this JVM: an ordinary shutdown hook does
        }
        return false;
    }
}
