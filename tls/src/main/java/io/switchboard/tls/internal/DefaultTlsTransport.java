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
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The TLS client transport that {@code ServiceLoader} finds for {@code wss://}: the JDK's
 * default trust store, certificate and host-name verification on, over the plain transport
 * {@code ServiceLoader} finds (or, in a framework, the one the activator gives). Its TLS context
 * is built on first use, so looking transports up costs nothing. It cannot listen: a server
 * needs a certificate, given through {@code TlsServer}. Thread-safe.
 */
public final class DefaultTlsTransport implements Transport {

    /** Built on first connect for the ServiceLoader instance; holder idiom. */
    private static final class Holder {
        static final TlsClient CLIENT = TlsClient.create();
    }

    private final Supplier<TlsClient> client;
    /** Over a given plain transport: the client, built on first use. */
    private volatile TlsClient built;

    /** For {@code ServiceLoader}: over the plain transport {@code ServiceLoader} finds. */
    public DefaultTlsTransport() {
        this.client = () -> Holder.CLIENT;
    }

    /** Over {@code plain}, e.g. the framework's TCP transport service. */
    public DefaultTlsTransport(Transport plain) {
        Objects.requireNonNull(plain, "plain");
        this.client = () -> {
            TlsClient c = built;
            if (c == null) {
                c = TlsClient.create().over(plain);
                built = c;
            }
            return c;
        };
    }

    @Override
    public Listener listen(SocketAddress address, ConnectionHandler handler) {
        throw new UnsupportedOperationException("the default TLS transport only connects; "
                + "listen over io.switchboard.tls.TlsServer.transport(certificate, key)");
    }

    @Override
    public Connection connect(SocketAddress address, Duration timeout) throws IOException {
        return client.get().connect(address, timeout);
    }

    @Override
    public Connection connect(SocketAddress proxy, InetSocketAddress target, Tunnel tunnel, Duration timeout)
            throws IOException {
        return client.get().connect(proxy, target, tunnel, timeout);
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
