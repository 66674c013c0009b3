package io.switchboard.api.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Opens byte-stream connections: listens for inbound ones and connects outbound ones. The
 * {@code io.switchboard.transport} module provides TCP and the {@code io.switchboard.tls} module
 * TLS; the WebSocket engine finds a transport through {@code ServiceLoader} on the module path or
 * as an OSGi service in a framework.
 *
 * <p>Implementations are thread-safe.
 */
public interface Transport {

    /**
     * Binds {@code address} and starts accepting. Each accepted connection is passed to
     * {@code handler} on a virtual thread of its own; the transport creates no platform thread
     * per connection. The connection belongs to the handler, which must close it.
     *
     * @throws IOException if the address cannot be bound
     */
    Listener listen(SocketAddress address, ConnectionHandler handler) throws IOException;

    /**
     * Connects to {@code address}, waiting at most {@code timeout} (zero: no limit).
     *
     * @throws java.net.ConnectException if the peer refused
     * @throws java.net.SocketTimeoutException if the timeout passed
     * @throws IOException for any other failure
     */
    Connection connect(SocketAddress address, Duration timeout) throws IOException;

    /**
     * Whether this transport encrypts (TLS): its connections are {@linkplain
     * Connection#isSecure() secure}. The client picks a secure transport for {@code wss://} and a
     * plain one for {@code ws://}. A secure client transport verifies the peer against the host
     * name it is given through {@link java.net.InetSocketAddress#getHostString()}.
     */
    default boolean isSecure() {
        return false;
    }
}
