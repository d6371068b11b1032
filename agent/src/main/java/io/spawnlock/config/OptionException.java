package io.spawnlock.config;

/** A bad agent option; the message is the one line the user sees: what, where, what to do. */
public final class OptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OptionException(String message) {
        super(message);
    }
}
