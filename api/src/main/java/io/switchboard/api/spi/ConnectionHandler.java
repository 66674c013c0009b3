package io.switchboard.api.spi;

/** Receives connections accepted by a {@link Listener}; called on one virtual thread each. */
@FunctionalInterface
public interface ConnectionHandler {

    /** Serves {@code connection} until done, then closes it. Must not throw. */
    void handle(Connection connection);
}
