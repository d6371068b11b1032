package io.spawnlock.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A per-thread state (keyed by the Java thread, virtual threads included) whose values can also be listed,
 * by the agent thread: each is registered once, when its thread first needs it, and forgotten once the
 * thread has ended and the state has nothing left to give. No lambda on the threads' path: their first
 * use may be inside a spawn.
 */
abstract class ThreadStates<T> extends ThreadLocal<T> {
    private final ConcurrentLinkedQueue<T> all = new ConcurrentLinkedQueue<>();

    /** The state of a thread that has none yet. */
    protected abstract T create(Thread owner);

    /** The thread a state belongs to. */
    protected abstract Thread ownerOf(T state);

    /** Whether an ended thread's state may be forgotten (nothing in it still to be read). */
    protected boolean finished(T state) {
        return true;
    }

    @Override
    protected final T initialValue() {
        T state = create(Thread.currentThread());
        all.add(state);
        return state;
    }

    /** Forgets the states of the threads that have ended and are finished; on the agent thread. */
    final void forgetEnded() {
        all.removeIf(state -> !ownerOf(state).isAlive() && finished(state));
    }

    /** Every registered state, the ended threads' included until they are forgotten. */
    final List<T> all() {
        return new ArrayList<>(all);
    }

    /** The states of the threads still alive. Never on a hot path. */
    final List<T> live() {
        List<T> states = new ArrayList<>();
        for (T state : all) {
            if (ownerOf(state).isAlive()) {
                states.add(state);
            }
        }
        return states;
    }
}
