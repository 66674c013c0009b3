package io.switchboard.websocket;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.ClientHandshake;
import io.switchboard.websocket.internal.ClientHandshake.Url;
import io.switchboard.websocket.internal.HttpConnectTunnel.Credentials;
import io.switchboard.websocket.internal.HttpHead;
import io.switchboard.websocket.internal.InboundMemory;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import io.switchboard.websocket.internal.DeflateAgreement;
import io.switchboard.websocket.internal.DeflateNegotiation;
import io.switchboard.websocket.internal.ServerHandshake;
import io.switchboard.websocket.internal.Timer;
import io.switchboard.websocket.internal.UpgradeRequest;
import io.switchboard.websocket.internal.WebSocketProtocol;
import io.switchboard.websocket.internal.WebSocketSession;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * A WebSocket client with the same blocking API as the server side.
 *
 * <pre>{@code
 * WebSocketClient client = new WebSocketClient("ws://localhost:8080/ws");
 * if (!client.connect().isConnected()) return;
 * client.send("Hello, WebSocket!");
 * Message reply = client.read();
 * client.close();
 * }</pre>
 *
 * <p>A {@code wss://} URL (default port 443) connects over a secure transport: the one given to
 * the constructor, or else the first {@linkplain Transport#isSecure() secure} one found through
 * {@code ServiceLoader} (the {@code io.switchboard.tls} module provides one that verifies the
 * server against the JDK's default trust store and the URL's host name). TLS failures have
 * outcomes of their own, e.g. {@link Outcome#TLS_UNTRUSTED}.
 *
 * <p>The client connects through an HTTP proxy when {@link java.net.ProxySelector#getDefault()}
 * (or the selector or proxy given to the {@linkplain #builder(String) builder}) names one for
 * the server: see {@link Builder} for how it is chosen. A client that comes back by itself after
 * the connection drops is a {@link ReconnectingWebSocketClient} around this one; this one never
 * reconnects on its own.
 *
 * <p>An invalid URL does not throw: the client is {@linkplain #isValid() invalid} and {@link
 * #connect()} reports {@link Outcome#INVALID_URL} with the reason. Before a successful
 * {@code connect()} and after the connection ends, {@link #read()} returns null and the
 * {@code send} methods return false. {@code connect()} after a close connects afresh (new key,
 * new state). Frames are masked with a fresh key from a {@link SecureRandom} each.
 *
 * <p>Thread-safe: like any {@link WebSocket}, one thread reads while any may send.
 */
public final class WebSocketClient implements WebSocket {

    private static final int INPUT_BUFFER = 2 * 1024;
    /** The largest response head the client reads. */
    private static final int MAX_RESPONSE_HEAD = 64 * 1024;

    private final String url;
    private final Url parsed;
    private final String invalidReason;
    private final Headers headers;
    private final WebSocketOptions options;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock connectLock = new ReentrantLock();
    private Transport transport;
    /** The proxy selector given to the builder; null: {@link ProxySelector#getDefault()} at each connect. */
    private final ProxySelector proxies;
    private final Optional<Credentials> proxyCredentials;
    /** The current connection, replaced by each successful connect(); null before the first. */
    private volatile WebSocketSession session;

    /** A client for {@code url} ({@code ws://} or {@code wss://host[:port]/path[?query]}). */
    public WebSocketClient(String url) {
        this(builder(url));
    }

    /** A client for {@code url} sending {@code headers} with the upgrade request. */
    public WebSocketClient(String url, Map<String, String> headers) {
        this(builder(url).headers(headers));
    }

    /** A client for {@code url} sending {@code headers} with the upgrade request. */
    public WebSocketClient(String url, Headers headers) {
        this(builder(url).headers(headers));
    }

    /** A client with {@code options}, over the transport found through ServiceLoader. */
    public WebSocketClient(String url, Headers headers, WebSocketOptions options) {
        this(builder(url).headers(headers).options(options));
    }

    /**
     * A client with {@code options} over {@code transport}, which must be {@linkplain
     * Transport#isSecure() secure} for a {@code wss://} URL and plain for {@code ws://} (else
     * {@link #connect()} reports {@link Outcome#INVALID_URL}).
     */
    public WebSocketClient(String url, Headers headers, WebSocketOptions options, Transport transport) {
        this(builder(url).headers(headers).options(options).transport(transport));
    }

    private WebSocketClient(Builder builder) {
        this.url = builder.url;
        this.headers = builder.headers;
        this.options = builder.options;
        this.transport = builder.transport;
        this.proxies = builder.proxies;
        this.proxyCredentials = builder.proxyCredentials;
        Url p = null;
        String reason = null;
        try {
            p = Url.parse(url);
        } catch (IllegalArgumentException e) {
            reason = e.getMessage();
        }
        this.parsed = reason == null ? p : null;
        this.invalidReason = reason;
    }

    /**
     * A builder for a client of {@code url}, for the settings the constructors do not take:
     * the proxy, say. Without further calls it builds what {@code new WebSocketClient(url)} does.
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    private static Headers headersOf(Map<String, String> map) {
        Headers.Builder b = Headers.builder();
        map.forEach(b::add);
        return b.build();
    }

    /** Whether the URL was understood; if not, {@link #connect()} fails with the reason. */
    public boolean isValid() {
        return invalidReason == null;
    }

    /** The URL this client connects to, as given. */
    public String url() {
        return url;
    }

    /**
     * Opens the connection and performs the opening handshake (RFC 6455 §4.1), waiting at most
     * the connect timeout for TCP and the handshake timeout for the response. Never throws for
     * network or protocol failures: the result says what went wrong. On a client whose previous
     * connection ended, connects afresh.
     */
    public ConnectResult connect() {
        if (invalidReason != null) {
            return ConnectResult.failed(Outcome.INVALID_URL, invalidReason);
        }
        connectLock.lock();
        try {
            WebSocketSession current = session;
            if (current != null && current.isOpen()) {
                return ConnectResult.failed(Outcome.ALREADY_CONNECTED, "already connected to " + url); // no response read
            }
            if (transport == null) {
                transport = Transports.find(parsed.secure());
            } else if (transport.isSecure() != parsed.secure()) {
                return ConnectResult.failed(Outcome.INVALID_URL, url + " needs a " + (parsed.secure() ? "secure" : "plain")
                        + " transport, but " + transport + " is " + (transport.isSecure() ? "secure" : "plain"));
            }
            Connection connection;
            try {
                connection = new ConnectionOpener(parsed, options, transport, proxies, proxyCredentials).open();
            } catch (ConnectionOpener.NotConnected e) {
                return e.result();
            }
            ConnectResult result = handshake(connection);
            if (!result.isConnected()) {
                connection.close();
            }
            return result;
        } finally {
            connectLock.unlock();
        }
    }

    private ConnectResult handshake(Connection connection) {
        String key = ClientHandshake.newKey(random);
        Headers userHeaders = headers;
        if (!options.subProtocols().isEmpty()) {
            userHeaders = headers.toBuilder()
                    .set("Sec-WebSocket-Protocol", String.join(", ", options.subProtocols())).build();
        }
        Headers requestHeaders = ClientHandshake.requestHeaders(parsed, key, userHeaders, options.deflatePolicy());
        AtomicBoolean timedOut = new AtomicBoolean();
        // The whole response must arrive in time, not each read: a dribbling server is dropped too.
        ScheduledFuture<?> deadline = Timer.after(options.handshakeTimeout(), () -> {
            timedOut.set(true);
            connection.close();
        });
        try {
            connection.output().write(ClientHandshake.requestBytes(parsed.target(), requestHeaders));
            connection.output().flush();
            InputStream in = new BufferedInputStream(connection.input(), INPUT_BUFFER);
            HttpHead head = HttpHead.readResponse(in, MAX_RESPONSE_HEAD);
            while (ClientHandshake.isInterim(head)) {
                head = HttpHead.readResponse(in, MAX_RESPONSE_HEAD); // bounded by the handshake deadline
            }
            var offered = ServerHandshake.offeredProtocols(requestHeaders);
            Optional<String> protocol = ClientHandshake.validateResponse(head, key, offered, options.deflatePolicy());
            DeflateAgreement deflate = options.compression()
                    ? DeflateNegotiation.agreed(head.headers(), options.deflatePolicy()).orElse(null) : null;
            if (!deadline.cancel(false)) {
                throw new SocketTimeoutException();
            }
            URI uri = URI.create(url);
            Request request = UpgradeRequest.of("GET", uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath(),
                    uri.getRawQuery(), requestHeaders, connection.remoteAddress(), connection.localAddress());
            session = new WebSocketSession(connection, in, true, request, protocol, deflate,
                    options.sessionConfig(options.maxMessageSize(), InboundMemory.UNLIMITED, null), () -> { });
            return new ConnectResult(Outcome.CONNECTED, "connected to " + url, 101, head.headers());
        } catch (ClientHandshake.Failure f) {
            return new ConnectResult(f.outcome(), f.getMessage(), f.status(), f.headers());
        } catch (HttpException e) {
            return ConnectResult.failed(Outcome.BAD_RESPONSE, "invalid handshake response: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            return ConnectResult.failed(Outcome.TIMEOUT, "no handshake response within "
                    + options.handshakeTimeout().toMillis() + " ms");
        } catch (EOFException e) {
            if (timedOut.get()) {
                return ConnectResult.failed(Outcome.TIMEOUT, "no complete handshake response within "
                        + options.handshakeTimeout().toMillis() + " ms");
            }
            return ConnectResult.failed(Outcome.BAD_RESPONSE, "server closed the connection during the handshake");
        } catch (SSLException e) {
            if (timedOut.get()) {
                return ConnectResult.failed(Outcome.TIMEOUT, "no complete handshake response within "
                        + options.handshakeTimeout().toMillis() + " ms");
            }
            // TLS 1.3: a refused client certificate is reported after our side finished the TLS handshake.
            return ConnectResult.tlsFailed(e, connection.remoteAddress().toString());
        } catch (IOException e) {
            if (timedOut.get()) {
                return ConnectResult.failed(Outcome.TIMEOUT, "no complete handshake response within "
                        + options.handshakeTimeout().toMillis() + " ms");
            }
            return ConnectResult.failed(Outcome.IO_ERROR, "handshake failed: " + e);
        } finally {
            deadline.cancel(false);
        }
    }

    private Optional<WebSocketSession> current() {
        return Optional.ofNullable(session);
    }

    @Override
    public Message read() {
        WebSocketSession s = session;
        return s == null ? null : s.read();
    }

    @Override
    public io.switchboard.api.MessageStream readStream() {
        WebSocketSession s = session;
        return s == null ? null : s.readStream();
    }

    /** {@inheritDoc} Before the first connect, writes fail with {@link java.io.IOException}. */
    @Override
    public java.io.OutputStream sendStream() {
        WebSocketSession s = session;
        if (s != null) {
            return s.sendStream();
        }
        java.io.OutputStream closed = java.io.OutputStream.nullOutputStream();
        closeQuietly(closed); // a closed null stream: every write throws IOException
        return closed;
    }

    /** {@inheritDoc} Before the first connect, writes fail with {@link java.io.IOException}. */
    @Override
    public java.io.Writer sendTextStream() {
        WebSocketSession s = session;
        if (s != null) {
            return s.sendTextStream();
        }
        java.io.Writer closed = java.io.Writer.nullWriter();
        closeQuietly(closed); // a closed null writer: every write throws IOException
        return closed;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a null stream's close never throws
        }
    }

    @Override
    public boolean send(String text) {
        WebSocketSession s = session;
        return s != null && s.send(text);
    }

    @Override
    public boolean send(byte[] bytes) {
        WebSocketSession s = session;
        return s != null && s.send(bytes);
    }

    @Override
    public boolean send(ByteBuffer buffer) {
        WebSocketSession s = session;
        return s != null && s.send(buffer);
    }

    @Override
    public boolean ping(byte[] data) {
        WebSocketProtocol.checkPing(data); // also before the first connect, as documented
        WebSocketSession s = session;
        return s != null && s.ping(data);
    }

    @Override
    public void close(CloseStatus status, String reason) {
        WebSocketProtocol.checkClose(status, reason); // also before the first connect, as documented
        WebSocketSession s = session;
        if (s != null) {
            s.close(status, reason);
        }
    }

    @Override
    public boolean isOpen() {
        WebSocketSession s = session;
        return s != null && s.isOpen();
    }

    /** The upgrade request of the current connection; throws IllegalStateException if none. */
    @Override
    public Request request() {
        return current().orElseThrow(() -> new IllegalStateException("not connected")).request();
    }

    @Override
    public Optional<String> subProtocol() {
        return current().flatMap(WebSocketSession::subProtocol);
    }

    @Override
    public Optional<Duration> roundTripTime() {
        return current().flatMap(WebSocketSession::roundTripTime);
    }

    @Override
    public Optional<CloseStatus> closeStatus() {
        return current().flatMap(WebSocketSession::closeStatus);
    }

    @Override
    public Optional<String> closeReason() {
        return current().flatMap(WebSocketSession::closeReason);
    }

    @Override
    public String toString() {
        return "WebSocketClient[" + url + "]";
    }

    /**
     * Settings of a {@link WebSocketClient}; not thread-safe, {@link #build()} may be called
     * repeatedly.
     *
     * <h2>Proxies</h2>
     * By default each {@link WebSocketClient#connect()} asks {@link ProxySelector#getDefault()}
     * about {@code http://host:port} for a {@code ws://} URL and {@code https://host:port} for
     * {@code wss://} (as the JDK's WebSocket client does): the JDK's default selector answers
     * from the {@code http.proxyHost}/{@code http.proxyPort} and {@code https.proxyHost}/{@code
     * https.proxyPort} system properties, and connects directly to hosts matching {@code
     * http.nonProxyHosts} (by default {@code localhost}, {@code 127.*}, {@code [::1]}). The first
     * HTTP proxy in the selector's answer is used; SOCKS proxies are skipped (a list of SOCKS
     * proxies only means a direct connection). Through a proxy the client asks for an HTTP
     * {@code CONNECT} tunnel to the server, whose name the proxy resolves, then speaks WebSocket
     * ({@code ws://}) or TLS and WebSocket ({@code wss://}) through it: SNI and certificate
     * checks are for the server, never the proxy. A Unix-socket client never uses a proxy. Through
 * a proxy, {@code request().remoteAddress()} is the proxy's address.
     */
    public static final class Builder {
        private final String url;
        private Headers headers = Headers.empty();
        private WebSocketOptions options = WebSocketOptions.defaults();
        private Transport transport;
        private ProxySelector proxies;
        private Optional<Credentials> proxyCredentials = Optional.empty();

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** Header fields sent with the upgrade request; default none. */
        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** Header fields sent with the upgrade request; default none. */
        public Builder headers(Map<String, String> headers) {
            return headers(headersOf(headers));
        }

        /** The client's options (timeouts, sizes, compression, ...); default {@link WebSocketOptions#defaults()}. */
        public Builder options(WebSocketOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The transport, which must be {@linkplain Transport#isSecure() secure} for a {@code
         * wss://} URL and plain for {@code ws://}; default: the one found through {@code
         * ServiceLoader} (or the framework's transport services).
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Chooses proxies with {@code selector} instead of {@link ProxySelector#getDefault()}. */
        public Builder proxy(ProxySelector selector) {
            this.proxies = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Always connects through the HTTP proxy at {@code proxy} (may be unresolved: resolved at connect). */
        public Builder proxy(InetSocketAddress proxy) {
            return proxy(ProxySelector.of(Objects.requireNonNull(proxy, "proxy")));
        }

        /** Always connects through the HTTP proxy at {@code host}:{@code port}. */
        public Builder proxy(String host, int port) {
            return proxy(InetSocketAddress.createUnresolved(host, port));
        }

        /** Always connects directly, whatever {@link ProxySelector#getDefault()} says. */
        public Builder noProxy() {
            return proxy(ProxySelector.of(null));
        }

        /**
         * Sends {@code Proxy-Authorization: Basic} (RFC 7617) with these credentials in every
         * {@code CONNECT} request, to whichever proxy is chosen. Without them a proxy that wants
         * credentials fails {@code connect()} with {@link Outcome#PROXY_AUTH_REQUIRED}, as do
         * credentials it refuses.
         *
         * @throws IllegalArgumentException if {@code user} contains a colon, or either contains
         *     a control character
         */
        public Builder proxyCredentials(String user, String password) {
            this.proxyCredentials = Optional.of(new Credentials(user, password));
            return this;
        }

        /** The client; an invalid URL does not throw here (see {@link WebSocketClient#isValid()}). */
        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
