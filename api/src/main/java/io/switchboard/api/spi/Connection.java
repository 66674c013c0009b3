package io.switchboard.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * A bidirectional byte stream to one peer. One thread may read while others write; the
 * streams are unbuffered, so callers batch their writes. Closing is idempotent and unblocks a
 * blocked read.
 */
public interface Connection extends AutoCloseable {

    /** The stream of bytes from the peer. */
    InputStream input();

    /** The stream of bytes to the peer. */
    OutputStream output();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** This end's address. */
    SocketAddress localAddress();

    /**
     * Limits how long one blocking read on {@link #input()} may wait before it fails with
     * {@link java.net.SocketTimeoutException}; {@link Duration#ZERO} waits forever. Optional:
     * transports without per-read timeouts (Unix-domain sockets) throw
     * UnsupportedOperationException. The WebSocket engine does not rely on it; it bounds every
     * wait with deadlines of its own that close the connection.
     */
    void readTimeout(Duration timeout) throws IOException;

    /**
     * Signals the end of this side's output (a TCP FIN) while input stays readable, so a peer
     * can read everything sent before it sees the end. Used for lingering closes.
     */
    void shutdownOutput() throws IOException;

    /**
     * Whether this connection can wait for input without a thread: {@link #readTimeout} works
     * and leaves the connection usable after a timeout, and {@link #whenReadable} hands the
     * wait to a readiness poller. The default is false.
     */
    default boolean canAwaitReadable() {
        return false;
    }

    /**
     * Gives up the calling thread's wait for input: the connection is watched by a readiness
     * poller shared by many connections, and {@code resume} runs once, on a new virtual thread,
     * when bytes or the end of the stream arrive, or when the connection is closed; by then the
     * connection is back in its ordinary blocking mode and {@link #input()} can be read again.
     * Call it only while no thread reads. Writes to {@link #output()} keep working meanwhile,
     * from any thread, and never spin: one that cannot finish at once waits for the poller.
     * After a handover the transport no longer closes the connection when its handler returns:
     * whoever runs last (a resumed {@code resume}) must close it. The default returns false.
     *
     * @return true if the wait was handed over (the caller's thread may end now); false if this
     *     connection cannot do it ({@link #canAwaitReadable()} is false, or it is closed), with
     *     nothing changed
     */
    default boolean whenReadable(Runnable resume) {
        return false;
    }

    /**
     * Lets the connection outlive the handler call it was given to: when that call returns, the
     * transport no longer closes it, and whoever serves it last must close it. For a handler that
     * goes on serving the connection on another thread. The default returns false (the transport
     * closes the connection when the call returns, as always).
     *
     * @return true if the transport leaves the connection open after the call; false if it
     *     cannot, with nothing changed
     * @since 1.4
     */
    default boolean detach() {
        return false;
    }

    /** Whether the bytes travel encrypted (TLS). */
    default boolean isSecure() {
        return false;
    }

    /** Closes both directions and releases the connection. Idempotent. */
    @Override
    void close();
}
