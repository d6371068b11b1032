package io.spawnlock.guard;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs the agent's own work with the agent's permissions rather than those of the application thread it
 * happens to run on, when a SecurityManager is installed (JDK 11 to 23; the JDK's own ProcessBuilder tests
 * run under one). The agent's classes hold every permission (their class loader says so, whatever the
 * policy); the application's frames below the entry point are not asked, so the application's own
 * permissions stay exactly as they were. Without a SecurityManager this is one volatile read and nothing
 * is allocated: the spawn path calls it.
 *
 * <p>No lambda inside: this may run while a class loads (in a class file transformer), where spinning a
 * lambda class could load the very class being loaded. The actions are plain classes, loaded with this one.
 */
@SuppressWarnings("removal") // the SecurityManager API: gone in JDK 24, where it answers null and does nothing
public final class Privileged {
    static {
        new Call<>(null); // load the action class now, not in the middle of a class load
    }

    private Privileged() {}

    /** Whether work needs wrapping: a SecurityManager is installed. */
    public static boolean needed() {
        return System.getSecurityManager() != null;
    }

    public static void run(Runnable work) {
        if (needed()) {
            AccessController.doPrivileged(new Call<>(work));
        } else {
            work.run();
        }
    }

    /**
     * Runs a thread's whole body privileged, whether or not a SecurityManager is installed now: one may be
     * installed while it runs.
     */
    public static void always(Runnable body) {
        AccessController.doPrivileged(new Call<>(body));
    }

    public static <T> T call(Supplier<T> work) {
        return needed() ? AccessController.doPrivileged(new Call<>(work)) : work.get();
    }

    public static long callLong(LongSupplier work) {
        return needed() ? AccessController.doPrivileged(new Call<Long>(work)) : work.getAsLong();
    }

    public static int callInt(IntSupplier work) {
        return needed() ? AccessController.doPrivileged(new Call<Integer>(work)) : work.getAsInt();
    }

    /** One piece of work of any of the shapes above, as the action AccessController runs. */
    private static final class Call<T> implements PrivilegedAction<T> {
        private final Object work;

        Call(Object work) {
            this.work = work;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T run() {
            if (work instanceof Runnable) {
                ((Runnable) work).run();
                return null;
            }
            if (work instanceof LongSupplier) {
                return (T) Long.valueOf(((LongSupplier) work).getAsLong());
            }
            if (work instanceof IntSupplier) {
                return (T) Integer.valueOf(((IntSupplier) work).getAsInt());
            }
            return ((Supplier<T>) work).get();
        }
    }
}
