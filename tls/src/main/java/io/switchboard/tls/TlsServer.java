package io.switchboard.tls;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import io.switchboard.api.spi.Transport;
import io.switchboard.tls.internal.PlainTransports;
import io.switchboard.tls.internal.SecuringHandler;
import io.switchboard.tls.internal.ServerContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A server-side TLS {@link Transport} from a PEM certificate chain and private key:
 *
 * <pre>{@code
 * WebSocketServer server = new WebSocketServer(TlsServer.transport(Path.of("cert.pem"), Path.of("key.pem")));
 * }</pre>
 *
 * <p>The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}), encrypted PKCS#8 ({@code BEGIN
 * ENCRYPTED PRIVATE KEY}, with {@link Builder#keyPassword}), RSA PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}) or EC SEC1 ({@code BEGIN EC PRIVATE KEY}); RSA, EC and EdDSA keys. The files are
 * read when the transport is built: a missing, unreadable or non-PEM file, a wrong password, or
 * a key that is not the certificate's fails at once with an {@link IllegalArgumentException}
 * naming the file and the problem.
 *
 * <p><b>Reload.</b> Before each new handshake the server checks the files' modification times
 * and sizes; when they changed, it loads them and new handshakes present the new certificate
 * (no session of the old context is resumed), while live sessions go on untouched. Files that
 * fail to load then (e.g. a key not yet replaced) are logged once and the previous certificate
 * stays in use. {@link #reload()} loads them at once and reports errors.
 *
 * <p><b>A layer over a plain transport.</b> TLS runs over the connections of a plain {@link
 * Transport}: by default the first one {@code ServiceLoader} finds (the {@code
 * io.switchboard.transport} module: TCP, and Unix-domain sockets for a {@link
 * java.net.UnixDomainSocketAddress}), or the one given to {@link #over(Transport)}. It listens
 * and accepts as it always does, so whatever that transport does for plain connections it does
 * for TLS ones too; TLS itself is an {@link javax.net.ssl.SSLEngine} over each accepted
 * connection's streams.
 *
 * <p><b>Threading.</b> The plain transport's accept loop starts a virtual thread per accepted
 * connection; on that thread, never on the accept loop, the TLS handshake runs, bounded in total
 * by the {@linkplain Builder#handshakeTimeout handshake timeout} (the connection is closed when
 * it passes, so a client that sends nothing, or drips bytes, holds it no longer), and then the
 * connection is served. This transport only listens: {@link #connect} throws. Thread-safe.
 */
public final class TlsServer implements Transport {

    /** The protocols enabled by default: TLS 1.3 and 1.2 only. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** How long a TLS handshake may take in total by default. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private final ServerContext context;
    /** The plain transport TLS runs over; null: the one ServiceLoader finds. */
    private final Transport plain;

    private TlsServer(ServerContext context, Transport plain) {
        this.context = context;
        this.plain = plain;
    }

    /**
     * A TLS server transport presenting the chain in {@code certificateChain} (leaf first) with
     * the unencrypted private key in {@code privateKey}, with every other setting at its default.
     *
     * @throws IllegalArgumentException naming the file and the problem if they do not load
     */
    public static TlsServer transport(Path certificateChain, Path privateKey) {
        return builder(certificateChain, privateKey).build();
    }

    /** A builder for a server presenting {@code certificateChain} with {@code privateKey}. */
    public static Builder builder(Path certificateChain, Path privateKey) {
        return new Builder(certificateChain, privateKey);
    }

    /**
     * Loads the certificate and key files (and the client CA file) now; new handshakes use them,
     * live sessions keep theirs.
     *
     * @throws IllegalArgumentException naming the file and the problem; the previous
     *     certificate stays in use
     */
    public void reload() {
        context.reload();
    }

    /**
     * This server's certificate and settings over {@code plain}: e.g. a transport of one's own, or
     * inside a framework the TCP transport service. The two share the certificate state: a
     * reload of either is seen by both.
     *
     * @throws IllegalArgumentException if {@code plain} is itself secure
     */
    public TlsServer over(Transport plain) {
        PlainTransports.requirePlain(Objects.requireNonNull(plain, "plain"));
        return new TlsServer(context, plain);
    }

    /**
     * Binds {@code address} with the plain transport (an {@link java.net.InetSocketAddress} for
     * TCP, a {@link java.net.UnixDomainSocketAddress} for a Unix-domain socket) and accepts TLS
     * connections; each is handed to {@code handler} on its own virtual thread once its
     * handshake has completed.
     *
     * @throws IllegalStateException if no plain transport was given and none is found
     */
    @Override
    public Listener listen(SocketAddress address, ConnectionHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        return plain().listen(address, new SecuringHandler(handler, context));
    }

    private Transport plain() {
        return PlainTransports.orFound(plain);
    }

    /** Always throws: a server transport does not connect; use {@link TlsClient}. */
    @Override
    public Connection connect(SocketAddress address, Duration timeout) {
        throw new UnsupportedOperationException("a TLS server transport only listens; connect with TlsClient");
    }

    /** True: connections are encrypted. */
    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String toString() {
        return plain == null ? "TlsServer" : "TlsServer over " + plain;
    }

    /** Configures a {@link TlsServer}; not thread-safe, {@link #build()} may be called repeatedly. */
    public static final class Builder {
        private final Path certificateChain;
        private final Path privateKey;
        private char[] keyPassword;
        private Path clientCa;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder(Path certificateChain, Path privateKey) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        }

        /** The password of an encrypted PKCS#8 key; ignored for an unencrypted one. */
        public Builder keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return this;
        }

        /** The password of an encrypted PKCS#8 key; ignored for an unencrypted one. */
        public Builder keyPassword(String password) {
            return keyPassword(password == null ? null : password.toCharArray());
        }

        /**
         * Verifies client certificates against the CA certificates in {@code caPem}, asking for
         * them as {@code mode} says. Without a call, clients are not asked for certificates.
         *
         * @throws IllegalArgumentException if {@code mode} is {@link ClientAuth#NONE}
         */
        public Builder clientAuth(Path caPem, ClientAuth mode) {
            Objects.requireNonNull(caPem, "caPem");
            if (Objects.requireNonNull(mode, "mode") == ClientAuth.NONE) {
                throw new IllegalArgumentException("a client CA file needs client auth WANT or NEED");
            }
            this.clientCa = caPem;
            this.clientAuth = mode;
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
         * Loads the files and builds the transport.
         *
         * @throws IllegalArgumentException naming the file and the problem, or an unsupported
         *     protocol or cipher suite
         */
        public TlsServer build() {
            return new TlsServer(new ServerContext(new ServerContext.Config(certificateChain, privateKey, keyPassword,
                    clientCa, clientAuth == ClientAuth.NEED, clientAuth == ClientAuth.WANT, protocols, cipherSuites,
                    handshakeTimeout)), null);
        }
    }
}
