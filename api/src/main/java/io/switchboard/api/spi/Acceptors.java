package io.switchboard.api.spi;

import java.time.Duration;

/** Ending a listener's accept loop so that its address is free when {@link Listener#close()} returns. */
public final class Acceptors {

    /** How long {@link #stop} waits for the accept loop; it ends at once unless the JVM is starved. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private Acceptors() {
    }

    /**
     * Closes {@code socket} and waits for {@code acceptor}, the thread of its accept loop, to
     * end. A virtual thread blocked in {@code accept()} releases the socket only on its way out,
     * so the port or path may still be bound for a moment after {@code close()}; after this it is
     * not. The thread is interrupted too, which ends a pause between failing accepts. Returns
     * early, with the interrupt status set, if the calling thread is interrupted; does not wait
     * when called from the accept loop itself.
     */
    public static void stop(Thread acceptor, AutoCloseable socket) {
        try {
            socket.close();
        } catch (Exception ignored) {
            // closing is all we can do
        }
        if (Thread.currentThread() == acceptor) {
            return;
        }
        acceptor.interrupt();
        try {
            acceptor.join(WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
