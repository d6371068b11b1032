package io.spawnlock.probe;

/** Receives the accepts of listening NIO channels from {@link AcceptProbe}; implemented by the isolated agent core. */
public interface AcceptListener {
    /**
     * {@code ServerSocketChannel.accept()} returned, on the accepting thread.
     *
     * @param channel    the listening channel
     * @param connection true when it returned a connection, false when it returned null (nothing to accept)
     */
    void accepted(Object channel, boolean connection);
}
