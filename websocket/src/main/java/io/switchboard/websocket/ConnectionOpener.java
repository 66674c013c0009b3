package io.switchboard.websocket;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.ClientHandshake;
import io.switchboard.websocket.internal.ClientHandshake.Url;
import io.switchboard.websocket.internal.HttpConnectTunnel;
import io.switchboard.websocket.internal.HttpConnectTunnel.Credentials;
import io.switchboard.websocket.internal.ProxyChoice;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Opens the byte stream a {@link WebSocketClient} handshakes over: to the Unix socket, through
 * the HTTP proxy the selector names, or directly; failures become the {@link ConnectResult} that
 * says why. One instance per connect attempt; not thread-safe.
 */
final class ConnectionOpener {

    private final Url parsed;
    private final WebSocketOptions options;
    private final Transport transport;
    /** Null: {@link ProxySelector#getDefault()}. */
    private final ProxySelector proxies;
    private final Optional<Credentials> proxyCredentials;

    ConnectionOpener(Url parsed, WebSocketOptions options, Transport transport, ProxySelector proxies,
            Optional<Credentials> proxyCredentials) {
        this.parsed = parsed;
        this.options = options;
        this.transport = transport;
        this.proxies = proxies;
        this.proxyCredentials = proxyCredentials;
    }

    /** A connection to the server: directly, over the Unix socket, or through the proxy chosen. */
    Connection open() throws NotConnected {
        if (options.unixSocket().isPresent()) {
            UnixDomainSocketAddress unix = UnixDomainSocketAddress.of(options.unixSocket().get());
            if (transport.isSecure()) {
                // The socket leads straight to the server: no tunnel to open, and TLS names the
                // URL's host (SNI, host-name verification), which the socket's path cannot.
                InetSocketAddress server = InetSocketAddress.createUnresolved(parsed.host(), parsed.port());
                return openDirect(unix, () -> transport.connect(unix, server, connection -> { },
                        options.connectTimeout()));
            }
            return openDirect(unix);
        }
        URI selectorUri = ProxyChoice.selectorUri(parsed.secure(), parsed.host(), parsed.port());
        ProxySelector selector = proxies != null ? proxies : ProxySelector.getDefault();
        Optional<InetSocketAddress> proxy;
        try {
            proxy = selector == null ? Optional.empty() : ProxyChoice.choose(selector, selectorUri);
        } catch (RuntimeException e) { // a selector's bug must not escape connect()
            throw new NotConnected(Outcome.IO_ERROR, "the proxy selector failed for " + selectorUri + ": " + e);
        }
        if (proxy.isPresent()) {
            return openThroughProxy(selector, selectorUri, proxy.get());
        }
        InetSocketAddress inet = new InetSocketAddress(parsed.host(), parsed.port());
        if (inet.isUnresolved()) {
            throw new NotConnected(ConnectResult.failed(Outcome.UNKNOWN_HOST, "cannot resolve host " + parsed.host()));
        }
        return openDirect(inet);
    }

    private Connection openDirect(SocketAddress address) throws NotConnected {
        return openDirect(address, () -> transport.connect(address, options.connectTimeout()));
    }

    /** How a direct connection is made. */
    @FunctionalInterface
    private interface Connect {
        Connection connect() throws IOException;
    }

    private Connection openDirect(SocketAddress address, Connect connect) throws NotConnected {
        try {
            return connect.connect();
        } catch (ConnectException e) {
            throw new NotConnected(Outcome.REFUSED, "connection refused by " + address + ": " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw new NotConnected(Outcome.TIMEOUT, "no connection to " + address + " within its timeout: " + e.getMessage());
        } catch (SSLException e) {
            throw new NotConnected(ConnectResult.tlsFailed(e, address.toString()));
        } catch (IOException e) {
            throw new NotConnected(Outcome.IO_ERROR, "cannot connect to " + address + ": " + e);
        } catch (UnsupportedOperationException e) {
            throw new NotConnected(Outcome.IO_ERROR, e.getMessage());
        }
    }

    /**
     * Connects to {@code chosen} and through its {@code CONNECT} tunnel to the server; the name
     * of the server is resolved by the proxy. A proxy that cannot be reached is reported to the
     * selector ({@link ProxySelector#connectFailed}).
     */
    private Connection openThroughProxy(ProxySelector selector, URI selectorUri, InetSocketAddress chosen)
            throws NotConnected {
        InetSocketAddress proxy = chosen.isUnresolved() ? new InetSocketAddress(chosen.getHostString(), chosen.getPort())
                : chosen;
        if (proxy.isUnresolved()) {
            throw new NotConnected(Outcome.UNKNOWN_HOST, "cannot resolve proxy host " + chosen.getHostString());
        }
        InetSocketAddress target = InetSocketAddress.createUnresolved(parsed.host(), parsed.port());
        HttpConnectTunnel tunnel = new HttpConnectTunnel(parsed.host(), parsed.port(), proxyCredentials,
                proxy.toString(), options.handshakeTimeout());
        try {
            return transport.connect(proxy, target, tunnel, options.connectTimeout());
        } catch (ClientHandshake.Failure f) {
            throw new NotConnected(new ConnectResult(f.outcome(), f.getMessage(), f.status(), f.headers()));
        } catch (ConnectException e) {
            selector.connectFailed(selectorUri, chosen, e);
            throw new NotConnected(Outcome.PROXY_REFUSED, "proxy " + proxy + " refused the connection: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            selector.connectFailed(selectorUri, chosen, e);
            throw new NotConnected(Outcome.TIMEOUT, "no tunnel through proxy " + proxy + " within its timeout: "
                    + e.getMessage());
        } catch (SSLException e) {
            throw new NotConnected(ConnectResult.tlsFailed(e, parsed.host() + ":" + parsed.port()));
        } catch (IOException e) {
            throw new NotConnected(Outcome.IO_ERROR, "cannot connect through proxy " + proxy + ": " + e);
        } catch (UnsupportedOperationException e) {
            throw new NotConnected(Outcome.IO_ERROR, e.getMessage());
        }
    }

    /** A connect attempt that ended before the handshake; carries its result. */
    static final class NotConnected extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ConnectResult result;

        NotConnected(ConnectResult result) {
            super(result.message(), null, false, false);
            this.result = result;
        }

        NotConnected(Outcome outcome, String message) {
            this(ConnectResult.failed(outcome, message));
        }

        ConnectResult result() {
            return result;
        }
    }
}
