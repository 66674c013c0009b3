/**
 * TLS for Switchboard: server and client {@link io.switchboard.api.spi.Transport}s that layer an
 * {@code SSLEngine} over the connections of a plain transport (TCP or Unix-domain sockets, found
 * through {@code ServiceLoader} or given), built from PEM certificate and key files. Provides the
 * default {@code wss://} client transport (JDK trust store, verification on) to
 * {@code ServiceLoader}; exports {@code io.switchboard.tls} for servers and configured clients.
 * In a framework, its activator registers a TLS server transport over the TCP transport service
 * when the framework properties name a certificate.
 */
module io.switchboard.tls {
    requires transitive io.switchboard.api;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.switchboard.tls;

    uses io.switchboard.api.spi.Transport;
    provides io.switchboard.api.spi.Transport with io.switchboard.tls.internal.DefaultTlsTransport;
}
