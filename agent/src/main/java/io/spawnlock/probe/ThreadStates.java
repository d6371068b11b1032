package io.spawnlock.probe;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A per-thread state (keyed by the Java thread, virtual threads included) whose values can also be listed,
 * for dumps: each is registered once, when its thread first needs it, and forgotten once the thread has
 * ended. No lambda on the threads' path: their first use may be inside a spawn.
 */
abstract class ThreadStates<T> extends ThreadLocal<T> {
    private final ConcurrentLinkedQueue<Object[]> all = new ConcurrentLinkedQueue<>(); // {Thread, T}

    /** The state of a thread that has none yet. */
    protected abstract T create(Thread owner);

    @Override
    protected final T initialValue() {
        Thread owner = Thread.currentThread();
        T state = create(owner);
        all.add(new Object[] {owner, state});
        return state;
    }

    /** Forgets the states of the threads that have ended; the agent thread calls it every interval. */
    final void forgetEnded() {
        all.removeIf(entry -> !((Thread) entry[0]).isAlive());
    }

    /** Registered states, ended threads included until forgotten. */
    final int registered() {
        return all.size();
    }

    /** The states of the threads still alive; drops the others. Never on a hot path. */
    @SuppressWarnings("unchecked")
    final List<T> live() {
        List<T> states = new ArrayList<>();
        for (Iterator<Object[]> it = all.iterator(); it.hasNext(); ) {
            Object[] entry = it.next();
            if (((Thread) entry[0]).isAlive()) {
                states.add((T) entry[1]);
            } else {
                it.remove();
            }
        }
        return states;
    }
}
