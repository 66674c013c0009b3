package io.switchboard.api.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
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
     * Connects to {@code target} through a proxy: connects to {@code proxy} within {@code
     * timeout}, lets {@code tunnel} open the way to {@code target} over that connection, then
     * speaks this transport's own protocol with {@code target} over it. A secure transport runs
     * its TLS handshake with the target, sending the target's name (SNI) and verifying the
     * target's certificate, never the proxy's.
     *
     * <p>The default suits a plain transport: {@link #connect(SocketAddress, Duration)} to the
     * proxy, then the tunnel. A secure transport must override it; by default it throws
     * UnsupportedOperationException.
     *
     * @param target the host name (or address literal) and port the tunnel leads to; may be
     *     unresolved, the proxy resolves it
     * @throws java.net.ConnectException if the proxy refused the connection
     * @throws java.net.SocketTimeoutException if the connect, the tunnel or the handshake timed out
     * @throws IOException for any other failure; the connection is closed
     */
    default Connection connect(SocketAddress proxy, InetSocketAddress target, Tunnel tunnel, Duration timeout)
            throws IOException {
        if (isSecure()) {
            throw new UnsupportedOperationException(this + " cannot connect through a proxy");
        }
        Connection connection = connect(proxy, timeout);
        try {
            tunnel.open(connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

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
