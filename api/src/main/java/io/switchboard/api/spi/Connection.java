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

    /** Whether the bytes travel encrypted (TLS). */
    default boolean isSecure() {
        return false;
    }

    /** Closes both directions and releases the connection. Idempotent. */
    @Override
    void close();
}
