package io.switchboard.tls;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import io.switchboard.api.spi.Transport;
import io.switchboard.api.spi.Tunnel;
import io.switchboard.tls.internal.Certificates;
import io.switchboard.tls.internal.KeyMaterial;
import io.switchboard.tls.internal.PlainTransports;
import io.switchboard.tls.internal.TlsConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509TrustManager;

/**
 * A client-side TLS {@link Transport} for {@code wss://}:
 *
 * <pre>{@code
 * Transport tls = TlsClient.builder().trustedCertificates(Path.of("ca.pem")).build();
 * WebSocketClient client = new WebSocketClient("wss://example.com/ws", Headers.empty(),
 *         WebSocketOptions.defaults(), tls);
 * }</pre>
 *
 * <p>By default the server's certificate chain is verified against the JDK's default trust
 * store and the certificate must be issued for the host name (or IP address) of the URL
 * (endpoint identification as for HTTPS, RFC 2818 / RFC 6125); SNI (RFC 6066) is sent for host
 * names. Both checks can be switched off separately, for tests and private networks. A client
 * certificate for mutual TLS comes from PEM, as file or bytes, its key optionally encrypted.
 *
 * <p>TLS is a layer over a plain {@link Transport}: by default the first one {@code ServiceLoader}
 * finds (the {@code io.switchboard.transport} module: TCP, and Unix-domain sockets), or the one
 * given to {@link #over(Transport)}. {@link #connect} does that transport's connect and the TLS
 * handshake (an {@link javax.net.ssl.SSLEngine} over the connection's streams) on the calling
 * thread, the handshake bounded by the {@linkplain Builder#handshakeTimeout handshake timeout}.
 * The WebSocket client reports a failed handshake by its reason (untrusted chain, host-name
 * mismatch, refused client certificate). This transport only connects: {@link #listen} throws.
 * Immutable and thread-safe.
 */
public final class TlsClient implements Transport {

    /** The protocols enabled by default: the server's, {@link TlsServer#DEFAULT_PROTOCOLS}. */
    public static final List<String> DEFAULT_PROTOCOLS = TlsServer.DEFAULT_PROTOCOLS;
    /** How long a TLS handshake may take in total by default: {@link TlsServer#DEFAULT_HANDSHAKE_TIMEOUT}. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = TlsServer.DEFAULT_HANDSHAKE_TIMEOUT;

    private final TlsConnector connector;
    /** The plain transport TLS runs over; null: the one ServiceLoader finds. */
    private final Transport plain;

    private TlsClient(TlsConnector connector, Transport plain) {
        this.connector = connector;
        this.plain = plain;
    }

    /** A client with every default: the JDK's trust store, all verification on, no client certificate. */
    public static TlsClient create() {
        return builder().build();
    }

    /** A builder starting from the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This client's trust, certificate and settings over {@code plain}, e.g. a transport of one's
     * own, or inside a framework the TCP transport service.
     *
     * @throws IllegalArgumentException if {@code plain} is itself secure
     */
    public TlsClient over(Transport plain) {
        PlainTransports.requirePlain(Objects.requireNonNull(plain, "plain"));
        return new TlsClient(connector, plain);
    }

    /**
     * Connects to {@code address} within {@code timeout} and completes the TLS handshake, with
     * the server's name taken from {@link java.net.InetSocketAddress#getHostString()}. A {@link
     * java.net.UnixDomainSocketAddress} names no server: with host-name verification on, connect
     * to it with {@link #connect(SocketAddress, InetSocketAddress, Tunnel, Duration)} and a
     * tunnel that does nothing, naming the server as {@code target} (the WebSocket client does so
     * for {@code wss://} over a Unix-domain socket).
     *
     * @throws javax.net.ssl.SSLException if the handshake fails
     * @throws java.net.SocketTimeoutException if the connect or the handshake timed out
     * @throws IllegalStateException if no plain transport was given and none is found
     */
    @Override
    public Connection connect(SocketAddress address, Duration timeout) throws IOException {
        return connector.connect(plain(), address, timeout);
    }

    /**
     * Connects to {@code proxy}, opens {@code tunnel} to {@code target} through it, and
     * completes the TLS handshake with {@code target} over the tunnel: SNI, the certificate
     * check and the host-name check are for the target, as for a direct connection. {@code
     * proxy} may be a Unix-domain socket address that leads to {@code target}, with a tunnel
     * that does nothing.
     *
     * @throws javax.net.ssl.SSLException if the handshake fails
     * @throws java.net.SocketTimeoutException if the connect or the handshake timed out
     * @throws IllegalStateException if no plain transport was given and none is found
     */
    @Override
    public Connection connect(SocketAddress proxy, InetSocketAddress target, Tunnel tunnel, Duration timeout)
            throws IOException {
        return connector.connect(plain(), proxy, target, tunnel, timeout);
    }

    private Transport plain() {
        return PlainTransports.orFound(plain);
    }

    /** Always throws: a client transport does not listen; use {@link TlsServer}. */
    @Override
    public Listener listen(SocketAddress address, ConnectionHandler handler) {
        throw new UnsupportedOperationException("a TLS client transport only connects; listen with TlsServer");
    }

    /** True: connections are encrypted. */
    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String toString() {
        return plain == null ? "TlsClient" : "TlsClient over " + plain;
    }

    /** Configures a {@link TlsClient}; not thread-safe, {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private Path trustedFile;
        private List<X509Certificate> trusted;
        private boolean verifyCertificates = true;
        private boolean verifyHostName = true;
        private Path clientChainFile;
        private Path clientKeyFile;
        private byte[] clientChainPem;
        private byte[] clientKeyPem;
        private char[] clientKeyPassword;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /**
         * Trusts exactly the CA certificates in the PEM file {@code caPem} instead of the JDK's
         * default trust store.
         */
        public Builder trustedCertificates(Path caPem) {
            this.trustedFile = Objects.requireNonNull(caPem, "caPem");
            this.trusted = null;
            return this;
        }

        /** Trusts exactly {@code certificates} instead of the JDK's default trust store. */
        public Builder trustedCertificates(Collection<X509Certificate> certificates) {
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("at least one trusted certificate is needed");
            }
            this.trusted = List.copyOf(certificates);
            this.trustedFile = null;
            return this;
        }

        /** Trusts exactly {@code certificates} instead of the JDK's default trust store. */
        public Builder trustedCertificates(X509Certificate... certificates) {
            return trustedCertificates(List.of(certificates));
        }

        /**
         * Whether the server's certificate chain is verified (default true). Off, any
         * certificate is accepted and the host name is not checked either: the connection is
         * encrypted but not authenticated.
         */
        public Builder verifyCertificates(boolean verify) {
            this.verifyCertificates = verify;
            return this;
        }

        /**
         * Whether the server's certificate must name the host (or IP address) connected to
         * (default true). Off, a trusted certificate for any name is accepted.
         */
        public Builder verifyHostName(boolean verify) {
            this.verifyHostName = verify;
            return this;
        }

        /** Presents the certificate chain in {@code chainPem} with the unencrypted key in {@code keyPem}. */
        public Builder clientCertificate(Path chainPem, Path keyPem) {
            return clientCertificate(chainPem, keyPem, null);
        }

        /** Presents the chain in {@code chainPem} with the key in {@code keyPem}, decrypted with {@code password}. */
        public Builder clientCertificate(Path chainPem, Path keyPem, char[] password) {
            this.clientChainFile = Objects.requireNonNull(chainPem, "chainPem");
            this.clientKeyFile = Objects.requireNonNull(keyPem, "keyPem");
            this.clientChainPem = null;
            this.clientKeyPem = null;
            this.clientKeyPassword = password == null ? null : password.clone();
            return this;
        }

        /** Presents the chain and key given as PEM text, the key decrypted with {@code password} (may be null). */
        public Builder clientCertificate(byte[] chainPem, byte[] keyPem, char[] password) {
            this.clientChainPem = Objects.requireNonNull(chainPem, "chainPem").clone();
            this.clientKeyPem = Objects.requireNonNull(keyPem, "keyPem").clone();
            this.clientChainFile = null;
            this.clientKeyFile = null;
            this.clientKeyPassword = password == null ? null : password.clone();
            return this;
        }

        /** The enabled protocols, e.g. {@code "TLSv1.3"}; default {@link #DEFAULT_PROTOCOLS}. */
        public Builder protocols(String... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("at least one protocol must be enabled");
            }
            this.protocols = List.of(protocols);
            return this;
        }

        /** The enabled cipher suites (JSSE names); default: the JDK's enabled ones. */
        public Builder cipherSuites(String... cipherSuites) {
            this.cipherSuites = List.of(cipherSuites);
            return this;
        }

        /** How long one TLS handshake may take in total; default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Reads the files and builds the client.
         *
         * @throws IllegalArgumentException naming the file and the problem, or an unsupported
         *     protocol or cipher suite
         */
        public TlsClient build() {
            X509TrustManager trust;
            if (!verifyCertificates) {
                trust = Certificates.trustingAll();
            } else if (trustedFile != null) {
                trust = Certificates.trusting(Certificates.read(Certificates.readFile(trustedFile), trustedFile.toString()));
            } else if (trusted != null) {
                trust = Certificates.trusting(trusted);
            } else {
                trust = Certificates.defaultTrust();
            }
            KeyMaterial clientKey = null;
            if (clientChainFile != null) {
                clientKey = KeyMaterial.read(Certificates.readFile(clientChainFile), clientChainFile.toString(),
                        Certificates.readFile(clientKeyFile), clientKeyFile.toString(), clientKeyPassword);
            } else if (clientChainPem != null) {
                clientKey = KeyMaterial.read(clientChainPem, "client certificate PEM", clientKeyPem,
                        "client key PEM", clientKeyPassword);
            }
            return new TlsClient(new TlsConnector(new TlsConnector.Config(trust, verifyCertificates && verifyHostName,
                    clientKey, protocols, cipherSuites, handshakeTimeout)), null);
        }
    }
}
