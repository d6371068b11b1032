package io.spawnlock.probe;

/**
 * Called by the advice inlined into the JDK's {@code ServerSocketChannelImpl.accept()}. Boot side: java.base
 * only, never throws into the caller; a listener that fails is dropped and its failure kept for the agent
 * to report once.
 */
public final class AcceptProbe {
    private static volatile AcceptListener listener;
    private static volatile Throwable listenerFailure;

    private AcceptProbe() {}

    public static void setListener(AcceptListener newListener) {
        listener = newListener;
    }

    public static Throwable listenerFailure() {
        return listenerFailure;
    }

    /** At the normal return of {@code accept()}; {@code accepted} is its result (null: nothing was ready). */
    public static void acceptReturned(Object channel, Object accepted) {
        AcceptListener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.accepted(channel, accepted != null);
        } catch (Throwable t) {
            listener = null;
            listenerFailure = t;
        }
    }
}
