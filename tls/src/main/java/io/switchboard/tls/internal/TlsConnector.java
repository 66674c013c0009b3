package io.switchboard.tls.internal;

import io.switchboard.api.spi.ClientCertificateRefusedException;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Transport;
import io.switchboard.api.spi.Tunnel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Opens client TLS connections over a plain transport: its connect (to the server directly, over
 * a Unix-domain socket, or to a proxy and through the tunnel it opens), then the handshake on the
 * calling thread with SNI for host names and, when host-name verification is on, endpoint
 * identification ("HTTPS", RFC 2818 / RFC 6125) against the server's host string. Immutable and
 * thread-safe.
 */
public final class TlsConnector {

    /** What the client was configured with; immutable. */
    public record Config(X509TrustManager trust, boolean verifyHostName, KeyMaterial clientKey,
            List<String> protocols, List<String> cipherSuites, Duration handshakeTimeout) {
        public Config {
            protocols = List.copyOf(protocols);
            cipherSuites = List.copyOf(cipherSuites);
        }
    }

    private final Config config;
    private final SSLContext context;
    /** Without a client key: the engines whose server asked for a certificate during the handshake. */
    private final Set<SSLEngine> askedForCertificate = ConcurrentHashMap.newKeySet();

    /** @throws IllegalArgumentException for an unsupported protocol or cipher suite */
    public TlsConnector(Config config) {
        this.config = config;
        try {
            context = SSLContext.getInstance("TLS");
            KeyManager[] keys = {config.clientKey() == null ? new NoCertificate(askedForCertificate)
                    : config.clientKey().keyManager()};
            context.init(keys, new X509TrustManager[] {config.trust()}, new SecureRandom());
            SSLParameters supported = context.getSupportedSSLParameters();
            for (String p : config.protocols()) {
                if (!Arrays.asList(supported.getProtocols()).contains(p)) {
                    throw new IllegalArgumentException("unsupported TLS protocol " + p + "; this JDK supports "
                            + Arrays.toString(supported.getProtocols()));
                }
            }
            for (String c : config.cipherSuites()) {
                if (!Arrays.asList(supported.getCipherSuites()).contains(c)) {
                    throw new IllegalArgumentException("unsupported TLS cipher suite " + c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS context: " + e, e);
        }
    }

    /**
     * Connects to {@code address} over {@code plain} within {@code timeout} and completes the TLS
     * handshake within the handshake timeout. The server is named by the address's host string;
     * a Unix-domain socket address names no server (see {@link #connect(Transport, SocketAddress,
     * InetSocketAddress, Tunnel, Duration)} to name one).
     *
     * @throws javax.net.ssl.SSLException if the handshake fails (untrusted, wrong name, ...)
     */
    public Connection connect(Transport plain, SocketAddress address, Duration timeout) throws IOException {
        Connection connection = plain.connect(address, timeout);
        try {
            return secure(connection, address instanceof InetSocketAddress inet ? inet : null);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Connects to {@code via} over {@code plain} within {@code timeout}, lets {@code tunnel} open
     * the way to {@code target} (an HTTP proxy's CONNECT; nothing for a Unix-domain socket that
     * leads to the server), then completes the TLS handshake with {@code target}: SNI and
     * host-name verification name the target, never {@code via}.
     *
     * @throws javax.net.ssl.SSLException if the handshake fails (untrusted, wrong name, ...)
     */
    public Connection connect(Transport plain, SocketAddress via, InetSocketAddress target, Tunnel tunnel,
            Duration timeout) throws IOException {
        Connection connection = plain.connect(via, timeout);
        try {
            tunnel.open(connection);
            return secure(connection, target);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The TLS handshake over {@code plain} with the server {@code peer} names (null: none). */
    private Connection secure(Connection plain, InetSocketAddress peer) throws IOException {
        String host = peer == null ? null : peer.getHostString();
        SSLEngine engine = host == null ? context.createSSLEngine() : context.createSSLEngine(host, peer.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(config.protocols().toArray(String[]::new));
        if (!config.cipherSuites().isEmpty()) {
            parameters.setCipherSuites(config.cipherSuites().toArray(String[]::new));
        }
        if (host != null && !isAddressLiteral(host)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notAHostName) {
                // RFC 6066 §3 allows only DNS host names; send none for anything else.
            }
        }
        if (config.verifyHostName()) {
            if (host == null) {
                throw new SSLException("TLS to " + plain.remoteAddress() + " names no server host to verify the "
                        + "certificate against; give the host (a wss:// URL does) or turn host-name verification off");
            }
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        SecureConnection connection = new SecureConnection(plain, engine);
        try {
            Handshakes.complete(connection, config.handshakeTimeout());
        } catch (SSLException e) {
            if (askedForCertificate.remove(engine) && String.valueOf(e.getMessage()).contains("Received fatal alert")) {
                throw new ClientCertificateRefusedException((peer == null ? plain.remoteAddress() : peer)
                        + " asked for a client certificate, none is configured, and it ended the handshake: "
                        + e.getMessage(), e);
            }
            throw e;
        } finally {
            askedForCertificate.remove(engine);
        }
        return connection;
    }

    /**
     * The key manager of a client without a certificate: presents none, and notes the sockets
     * whose server asked for one, so that a refusal can be told apart from other failures.
     */
    private static final class NoCertificate extends X509ExtendedKeyManager {
        private final Set<SSLEngine> asked;

        NoCertificate(Set<SSLEngine> asked) {
            this.asked = asked;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            if (engine != null) {
                asked.add(engine);
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return null;
        }
    }

    /** IPv6 literals contain a colon; IPv4 literals are digits and dots (RFC 6066 §3: no SNI). */
    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
