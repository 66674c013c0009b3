package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import io.switchboard.api.spi.Transport;
import io.switchboard.api.spi.Tunnel;
import io.switchboard.tls.TlsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The TLS client transport that {@code ServiceLoader} finds for {@code wss://}: the JDK's
 * default trust store, certificate and host-name verification on. Its TLS context is built on
 * first use, so looking transports up costs nothing. It cannot listen: a server needs a
 * certificate, given through {@code TlsServer}. Thread-safe.
 */
public final class DefaultTlsTransport implements Transport {

    /** Built on first connect; holder idiom. */
    private static final class Holder {
        static final TlsClient CLIENT = TlsClient.create();
    }

    /** For {@code ServiceLoader}. */
    public DefaultTlsTransport() {
    }

    @Override
    public Listener listen(SocketAddress address, ConnectionHandler handler) {
        throw new UnsupportedOperationException("the default TLS transport only connects; "
                + "listen over io.switchboard.tls.TlsServer.transport(certificate, key)");
    }

    @Override
    public Connection connect(SocketAddress address, Duration timeout) throws IOException {
        return Holder.CLIENT.connect(address, timeout);
    }

    @Override
    public Connection connect(SocketAddress proxy, InetSocketAddress target, Tunnel tunnel, Duration timeout)
            throws IOException {
        return Holder.CLIENT.connect(proxy, target, tunnel, timeout);
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String toString() {
        return "DefaultTlsTransport";
    }
}
