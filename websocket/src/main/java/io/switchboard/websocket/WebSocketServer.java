package io.switchboard.websocket;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.HttpHandler;
import io.switchboard.api.MessageHandler;
import io.switchboard.api.SubProtocolSelector;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Listener;
import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.internal.AccessLog;
import io.switchboard.websocket.internal.AddressLimits;
import io.switchboard.websocket.internal.Descriptors;
import io.switchboard.websocket.internal.ExpressLane;
import io.switchboard.websocket.internal.HttpRequestLoop;
import io.switchboard.websocket.internal.HttpRoutes;
import io.switchboard.websocket.internal.InboundMemory;
import io.switchboard.websocket.internal.IncidentSummary;
import io.switchboard.websocket.internal.MessageLoop;
import io.switchboard.websocket.internal.RouteTable;
import io.switchboard.websocket.internal.ServerConnections;
import io.switchboard.websocket.internal.ServerCounters;
import io.switchboard.websocket.internal.SessionInput;
import io.switchboard.websocket.internal.Timer;
import io.switchboard.websocket.internal.TopicHub;
import io.switchboard.websocket.internal.UpgradeAcceptor;
import io.switchboard.websocket.internal.UpgradeRequest;
import io.switchboard.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A WebSocket server: routes upgrade requests by path to {@link WebSocketHandler}s and runs
 * each connection on a virtual thread of its own.
 *
 * <pre>{@code
 * WebSocketServer server = new WebSocketServer();
 * server.webSocket("/ws", (request, ws) -> {
 *     Message msg;
 *     while ((msg = ws.read()) != null) ws.send(msg);
 * });
 * server.listen("0.0.0.0", 8080); // blocks until stop()
 * }</pre>
 *
 * <p>Handlers may be added and removed at any time, also while the server runs; a request
 * for a path without a handler is answered 404, a plain GET to a WebSocket path 426, and a
 * malformed upgrade 400 (RFC 6455 §4.2.1). Thread-safe.
 */
public final class WebSocketServer {

    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());
    /** Input buffer per connection: one handshake or many small frames per read call. */
    private static final int INPUT_BUFFER = 2 * 1024;

    private final WebSocketOptions options;
    /** Null until the first start when found through ServiceLoader. */
    private Transport transport;
    private final RouteTable routes;
    /** Plain HTTP GET/HEAD routes beside the WebSocket ones, served by {@link #httpLoop}. */
    private final HttpRoutes httpRoutes = new HttpRoutes();
    private final HttpRequestLoop httpLoop;
    /** Totals for {@link #metrics()}. */
    private final ServerCounters counters = new ServerCounters();
    /** The connections, handshakes, sessions and threads of this server, for stop() and the limits. */
    private final ServerConnections connections = new ServerConnections();
    /** Platform threads for callback sessions in a burst. */
    private final ExpressLane express;
    private final ReentrantLock lifecycle = new ReentrantLock();
    /** Guarded by lifecycle; non-null while running. */
    private Listener listener;
    /** Guarded by lifecycle; counted down by stop() to release listen(). */
    private CountDownLatch stopped = new CountDownLatch(0);
    /** What all sessions' message assembly and inflation hold, against maxInboundMemory. */
    private final InboundMemory inboundMemory;
    /** Refused handshakes and peer-caused closes, summed up for the log. */
    private final IncidentSummary incidents = new IncidentSummary(LOG);
    /** Reads and answers upgrade requests: routing, admission, the 101. */
    private final UpgradeAcceptor upgrades;
    private final AddressLimits addressLimits;
    /** Forgets idle addresses now and then while running with address limits; guarded by lifecycle. */
    private ScheduledFuture<?> addressPurge;

    /** A server with {@linkplain WebSocketOptions#defaults() default options}. */
    public WebSocketServer() {
        this(WebSocketOptions.defaults());
    }

    /** A server with {@code options}, over the transport found through ServiceLoader. */
    public WebSocketServer(WebSocketOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.express = new ExpressLane(options.expressThreadCount());
        this.routes = new RouteTable(options.handoverGrace(), options.drainTimeout());
        this.httpLoop = new HttpRequestLoop(httpRoutes, options.maxHandshakeSize(), options.handshakeTimeout(),
                options.writeTimeout(), connections::isStopping, counters::httpResponse, incidents);
        this.inboundMemory = new InboundMemory(options.maxInboundMemory() == 0 ? Long.MAX_VALUE : options.maxInboundMemory());
        this.upgrades = new UpgradeAcceptor(options, options.compressionPolicy(),
                maxMessageSize -> options.sessionConfig(maxMessageSize, inboundMemory, incidents), routes, httpRoutes,
                httpLoop, connections, counters, incidents);
        this.addressLimits = new AddressLimits(options.maxConnectionsPerAddress(),
                options.maxHandshakesPerSecondPerAddress(), System::nanoTime);
    }

    /**
     * A server with default options over {@code transport}, e.g. TLS:
     * {@code new WebSocketServer(TlsServer.transport(Path.of("cert.pem"), Path.of("key.pem")))}.
     */
    public WebSocketServer(Transport transport) {
        this(WebSocketOptions.defaults(), transport);
    }

    /** A server with {@code options} over {@code transport} (e.g. an OSGi service). */
    public WebSocketServer(WebSocketOptions options, Transport transport) {
        this(options);
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Routes {@code path} to {@code handler}, replacing any handler there. Returns this server. */
    public WebSocketServer webSocket(String path, WebSocketHandler handler) {
        return webSocket(path, handler, RouteOptions.defaults());
    }

    /**
     * Routes {@code path} to {@code handler}, with {@code selector} choosing the sub-protocol
     * from those the client offers (null: none is chosen). Returns this server.
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public WebSocketServer webSocket(String path, WebSocketHandler handler, SubProtocolSelector selector) {
        return webSocket(path, handler, selector == null ? RouteOptions.defaults()
                : RouteOptions.defaults().subProtocols(selector));
    }

    /**
     * Routes {@code path} to {@code handler} with per-path {@code options} (sub-protocol
     * selection, message size limit, allowed origins). Returns this server.
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public WebSocketServer webSocket(String path, WebSocketHandler handler, RouteOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got " + path);
        }
        routes.put(path, handler, options);
        return this;
    }

    /**
     * Removes the route for {@code path}. Handshakes for it arriving within the {@linkplain
     * WebSocketOptions#handoverGrace() handover grace} wait for a replacement handler; after
     * that they get 404. Live sessions of the removed handler go on for up to the {@linkplain
     * WebSocketOptions#drainTimeout() drain timeout}, then are closed with 1012 if the path has
     * a new handler by then, else with 1001.
     *
     * @return whether there was a route
     */
    public boolean removeWebSocket(String path) {
        return routes.remove(path);
    }

    /**
     * Answers plain HTTP {@code GET} and {@code HEAD} requests for {@code path} with {@code
     * handler}, replacing any HTTP handler there (a WebSocket route on the same path keeps
     * getting the upgrade requests). A path ending in {@code /*}, e.g. {@code /chat/*}, serves
     * every path below {@code /chat/}; an exact path wins over such a prefix. Requests are read
     * with the upgrade path's parsing, size limit and timeout; the connection is kept alive
     * between requests. Returns this server.
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public WebSocketServer get(String path, HttpHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got " + path);
        }
        httpRoutes.put(path, handler);
        return this;
    }

    /**
     * Removes the HTTP handler for {@code path} (as given to {@link #get}); later requests get 404.
     *
     * @return whether there was one
     */
    public boolean removeGet(String path) {
        return httpRoutes.remove(path);
    }

    /**
     * Sets the hook that sees every upgrade request before it is upgraded and may answer it with
     * a plain HTTP response instead (e.g. 401). Null removes it. Returns this server.
     */
    public WebSocketServer preUpgrade(PreUpgradeHook hook) {
        upgrades.preUpgrade(hook);
        return this;
    }

    /**
     * Starts serving on {@code host}:{@code port} and returns at once.
     *
     * @param port the TCP port, 0 for any free one
     * @return the bound port
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if the server is already running
     */
    public int start(String host, int port) throws IOException {
        return start(new InetSocketAddress(host, port));
    }

    /**
     * Starts serving on a Unix-domain socket at {@code path} and returns at once. A stale socket
     * file left by a process that ended is replaced; the file is removed by {@link #stop()}.
     *
     * @throws IOException naming the path if it cannot be bound: too long, a file that is not a
     *     socket (left in place), or a socket another process listens on
     */
    public void start(Path path) throws IOException {
        start(UnixDomainSocketAddress.of(path));
    }

    /** Serves on the Unix-domain socket at {@code path} and blocks until {@link #stop()}. */
    public void listen(Path path) throws IOException {
        start(path);
        awaitStop();
    }

    private int start(SocketAddress address) throws IOException {
        lifecycle.lock();
        try {
            if (listener != null) {
                throw new IllegalStateException("already listening on " + listener.localAddress());
            }
            if (transport == null) {
                transport = Transports.find(false);
            }
            connections.stopping(false);
            listener = transport.listen(address, this::serve);
            if (addressLimits.enabled()) {
                addressPurge = Timer.every(Duration.ofSeconds(10), addressLimits::purge);
            }
            stopped = new CountDownLatch(1);
            LOG.log(Level.INFO, "listening on {0}", listener.localAddress());
            return listener.port();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Serves on {@code host}:{@code port} and blocks until {@link #stop()} is called. */
    public void listen(String host, int port) throws IOException {
        start(host, port);
        awaitStop();
    }

    /**
     * Blocks until {@link #stop()} has completed; returns at once if the server is not running.
     * If the waiting thread is interrupted, stops the server.
     */
    public void awaitStop() {
        CountDownLatch latch;
        lifecycle.lock();
        try {
            latch = stopped;
        } finally {
            lifecycle.unlock();
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    /** The bound port while running, else -1. */
    public int port() {
        lifecycle.lock();
        try {
            return listener == null ? -1 : listener.port();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Whether the server is accepting connections. */
    public boolean isRunning() {
        lifecycle.lock();
        try {
            return listener != null;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Threads serving connections (handshaking or in a session, parked sessions not); for leak checks in tests. */
    int activeConnections() {
        return connections.threads().size();
    }

    /** Express threads serving a session now; for tests. */
    int expressThreadsBusy() {
        return express.busy();
    }

    /** Connections open, parked sessions included; for leak checks in tests. */
    int openConnections() {
        return connections.openConnections();
    }

    /**
     * The topics of this process, for broadcast: shared by every server in it (and by client
     * sessions subscribed to them). Inside a framework, the same object is the {@link Topics} service.
     */
    public Topics topics() {
        return TopicHub.shared();
    }

    /** The number of open WebSocket sessions. */
    public int sessionCount() {
        return connections.sessionCount();
    }

    /**
     * The bytes that message assembly and inflation of all sessions hold now, counted against
     * {@link WebSocketOptions#maxInboundMemory()}.
     */
    public long inboundMemoryInUse() {
        return inboundMemory.used();
    }

    /** Replaces the descriptor readings, for tests. */
    void descriptors(Descriptors.Source source) {
        upgrades.descriptors(new Descriptors(source));
    }

    /**
     * Stops accepting, closes every live session with 1001 (going away), waits for their
     * close handshakes up to the close timeout, drops the sessions still open then, and returns.
     * Does nothing if not running.
     */
    public void stop() {
        lifecycle.lock();
        try {
            if (listener == null) {
                return;
            }
            connections.stopping(true);
            listener.close();
            connections.dropHandshakes();
            LOG.log(Level.INFO, "stopping {0}: closing {1} sessions", listener.localAddress(), connections.sessionCount());
            connections.closeSessions(options.closeTimeout());
            listener = null;
            if (addressPurge != null) {
                addressPurge.cancel(false);
                addressPurge = null;
            }
            stopped.countDown();
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Runs on the connection's virtual thread: handshake, then the handler, then close. A {@link
     * MessageHandler}'s session may park (its thread ends) and go on on other threads; whichever
     * ends it runs {@link #sessionEnded}.
     */
    private void serve(Connection connection) {
        Thread self = Thread.currentThread();
        connections.threads().add(self);
        connections.opened();
        AddressLimits.Refusal tooMany = addressLimits.opened(connection.remoteAddress());
        UpgradeAcceptor.Upgrade upgrade = null;
        try {
            SessionInput in = new SessionInput(connection.input(), connection, INPUT_BUFFER);
            upgrade = upgrades.handshake(connection, in, tooMany);
            if (upgrade == null) {
                return;
            }
            UpgradeAcceptor.Upgrade accepted = upgrade;
            WebSocketSession session = upgrade.session();
            Runnable ended = () -> sessionEnded(accepted, connection);
            try {
                session.counters(counters.open(upgrade.request().path()));
                connections.add(session);
                routes.add(upgrade.request().path(), upgrade.route(), session);
            } catch (RuntimeException | Error e) {
                ended.run();
                throw e;
            }
            if (connections.isStopping()) {
                try {
                    session.close(CloseStatus.GOING_AWAY, "server stopping");
                } finally {
                    ended.run();
                }
                return;
            }
            if (upgrade.route().handler() instanceof MessageHandler callbacks) {
                new MessageLoop(session, callbacks, options.idleThreshold(), express, connections.threads(), ended).run();
                return;
            }
            try {
                runHandler(upgrade.route().handler(), upgrade.request(), session);
            } finally {
                ended.run();
            }
        } finally {
            if (upgrade == null) {
                addressLimits.closed(connection.remoteAddress());
                connections.closed();
            }
            connections.threads().remove(self);
        }
    }

    /** A session ended (on whichever thread ended it): counts, logs and forgets it. Runs once per session. */
    private void sessionEnded(UpgradeAcceptor.Upgrade upgrade, Connection connection) {
        WebSocketSession session = upgrade.session();
        try {
            upgrade.route().sessions().remove(session);
            counters.close(upgrade.request().path(), session.counters(), session.sentCloseStatus(),
                    session.receivedCloseStatus());
            AccessLog.ended(upgrade.request(), session.subProtocol(), session);
        } finally {
            connections.release();
            addressLimits.closed(connection.remoteAddress());
            connections.closed();
            // Last: stop() returns once no session is left, and by then every count is down
            // (removed first, a stop() could return with this connection still counted open).
            connections.remove(session);
        }
    }

    private static void runHandler(WebSocketHandler handler, UpgradeRequest request, WebSocketSession session) {
        try {
            handler.handle(request, session);
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "handler for " + request.path() + " failed on " + session, e);
            if (session.isOpen()) {
                session.close(CloseStatus.INTERNAL_ERROR, "internal error");
            }
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        } finally {
            session.finish();
        }
    }

    /**
     * What this server has done since it was created: totals per path, handshakes by outcome,
     * close codes, round-trip times, and the sessions open now. Cheap enough to call for every
     * scrape; counting costs the sessions no allocation.
     */
    public ServerMetrics metrics() {
        return counters.snapshot(connections.sessions(), inboundMemory);
    }

    @Override
    public String toString() {
        return "WebSocketServer[" + routes.paths() + (httpRoutes.paths().isEmpty() ? "" : ", http " + httpRoutes.paths()) + "]";
    }
}
