package io.switchboard.tls.internal;

import io.switchboard.api.spi.ClientCertificateRefusedException;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Tunnel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
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
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Opens client TLS connections: TCP connect (directly, or to a proxy and through the tunnel it
 * opens), then the handshake on the calling thread with SNI for host names and, when host-name verification is on, endpoint identification ("HTTPS",
 * RFC 2818 / RFC 6125) against the host string of the address. Immutable and thread-safe.
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
    private final SSLSocketFactory factory;
    /** Without a client key: the sockets whose server asked for a certificate during the handshake. */
    private final Set<Socket> askedForCertificate = ConcurrentHashMap.newKeySet();

    /** @throws IllegalArgumentException for an unsupported protocol or cipher suite */
    public TlsConnector(Config config) {
        this.config = config;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
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
            this.factory = context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS context: " + e, e);
        }
    }

    /**
     * Connects to {@code address} within {@code timeout} and completes the TLS handshake within
     * the handshake timeout.
     *
     * @throws javax.net.ssl.SSLException if the handshake fails (untrusted, wrong name, ...)
     */
    public Connection connect(SocketAddress address, Duration timeout) throws IOException {
        InetSocketAddress inet = tcpAddress(address);
        Socket raw = new Socket();
        try {
            raw.connect(inet, millis(timeout));
            raw.setTcpNoDelay(true);
            return secure(raw, inet);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Connects to {@code proxy} within {@code timeout}, lets {@code tunnel} open the way to
     * {@code target} over the plain TCP connection, then completes the TLS handshake with
     * {@code target}: SNI and host-name verification name the target, never the proxy.
     *
     * @throws javax.net.ssl.SSLException if the handshake fails (untrusted, wrong name, ...)
     */
    public Connection connect(SocketAddress proxy, InetSocketAddress target, Tunnel tunnel, Duration timeout)
            throws IOException {
        InetSocketAddress inet = tcpAddress(proxy);
        Socket raw = new Socket();
        try {
            raw.connect(inet, millis(timeout));
            raw.setTcpNoDelay(true);
            tunnel.open(new TcpConnection(raw));
            return secure(raw, target);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static InetSocketAddress tcpAddress(SocketAddress address) throws SocketException {
        if (!(address instanceof InetSocketAddress inet)) {
            // SSLSocket runs over TCP only (a Unix-domain socket has no java.net.Socket to layer on).
            throw new SocketException("TLS needs a TCP address (host and port), not " + address);
        }
        return inet;
    }

    private static int millis(Duration timeout) {
        return Math.toIntExact(Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    }

    /** The TLS handshake over the connected {@code raw} socket with the server {@code peer} names. */
    private Connection secure(Socket raw, InetSocketAddress peer) throws IOException {
        String host = peer.getHostString();
        SSLSocket socket = (SSLSocket) factory.createSocket(raw, host, peer.getPort(), false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(config.protocols().toArray(String[]::new));
        if (!config.cipherSuites().isEmpty()) {
            parameters.setCipherSuites(config.cipherSuites().toArray(String[]::new));
        }
        if (!isAddressLiteral(host)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notAHostName) {
                // RFC 6066 §3 allows only DNS host names; send none for anything else.
            }
        }
        if (config.verifyHostName()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        try {
            Handshakes.complete(socket, raw, config.handshakeTimeout());
        } catch (SSLException e) {
            if (askedForCertificate.remove(socket) && String.valueOf(e.getMessage()).contains("Received fatal alert")) {
                throw new ClientCertificateRefusedException(peer + " asked for a client certificate, none is "
                        + "configured, and it ended the handshake: " + e.getMessage(), e);
            }
            throw e;
        } finally {
            askedForCertificate.remove(socket);
        }
        return new TlsConnection(socket, raw);
    }

    /**
     * The plain TCP connection to a proxy, for the tunnel's request and answer before TLS starts
     * over the same socket. Closing it closes the socket. Thread-safe as the socket is.
     */
    private record TcpConnection(Socket socket) implements Connection {

        @Override
        public InputStream input() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public OutputStream output() {
            try {
                return socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public SocketAddress remoteAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress localAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public void readTimeout(Duration timeout) throws IOException {
            socket.setSoTimeout(millis(timeout));
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // released either way
            }
        }
    }

    /**
     * The key manager of a client without a certificate: presents none, and notes the sockets
     * whose server asked for one, so that a refusal can be told apart from other failures.
     */
    private static final class NoCertificate extends X509ExtendedKeyManager {
        private final Set<Socket> asked;

        NoCertificate(Set<Socket> asked) {
            this.asked = asked;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            if (socket != null) {
                asked.add(socket);
            }
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
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
