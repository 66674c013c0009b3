package io.switchboard.websocket;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
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
import io.switchboard.websocket.internal.DeflateAgreement;
import io.switchboard.websocket.internal.DeflateNegotiation;
import io.switchboard.websocket.internal.Descriptors;
import io.switchboard.websocket.internal.ExpressLane;
import io.switchboard.websocket.internal.HttpHead;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import io.switchboard.websocket.internal.HttpRequestLoop;
import io.switchboard.websocket.internal.HttpRoutes;
import io.switchboard.websocket.internal.InboundMemory;
import io.switchboard.websocket.internal.IncidentSummary;
import io.switchboard.websocket.internal.MessageLoop;
import io.switchboard.websocket.internal.RouteTable;
import io.switchboard.websocket.internal.RouteTable.Route;
import io.switchboard.websocket.internal.ServerCounters;
import io.switchboard.websocket.internal.ServerHandshake;
import io.switchboard.websocket.internal.ServerHandshake.Rejection;
import io.switchboard.websocket.internal.ServerHandshake.RequestLine;
import io.switchboard.websocket.internal.SessionConfig;
import io.switchboard.websocket.internal.SessionInput;
import io.switchboard.websocket.internal.Timer;
import io.switchboard.websocket.internal.TopicHub;
import io.switchboard.websocket.internal.UpgradeRequest;
import io.switchboard.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
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
    private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();
    /** Signalled when the last session ended; stop() waits for it (parked sessions have no thread to join). */
    private final ReentrantLock sessionsLock = new ReentrantLock();
    private final Condition sessionsGone = sessionsLock.newCondition();
    /** Threads serving connections now: handshakes, blocking handlers, callback sessions not parked. */
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();
    /** Platform threads for callback sessions in a burst. */
    private final ExpressLane express;
    /** Connections open, from accept to the end of their session (parked ones too). */
    private final AtomicInteger openConnections = new AtomicInteger();
    /** Connections whose upgrade request is still being read or answered; stop() drops them. */
    private final Set<Connection> handshaking = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lifecycle = new ReentrantLock();
    /** Guarded by lifecycle; non-null while running. */
    private Listener listener;
    /** Guarded by lifecycle; counted down by stop() to release listen(). */
    private CountDownLatch stopped = new CountDownLatch(0);
    /** True from the start of stop() until the next start; new sessions are closed at once. */
    private volatile boolean stopping;
    /** Sees upgrade requests before they are upgraded; null for none. */
    private volatile PreUpgradeHook preUpgrade;
    /** Open sessions plus upgrades in progress, for the maxSessions limit. */
    private final AtomicInteger admitted = new AtomicInteger();
    /** What all sessions' message assembly and inflation hold, against maxInboundMemory. */
    private final InboundMemory inboundMemory;
    /** Refused handshakes and peer-caused closes, summed up for the log. */
    private final IncidentSummary incidents = new IncidentSummary(LOG);
    /** The limits of every session at the server's message size limit (routes may set another). */
    private final SessionConfig sessionConfig;
    private static final Runnable NOTHING = () -> { };
    private final AddressLimits addressLimits;
    /** The process's descriptors; replaced by tests. */
    private volatile Descriptors descriptors = Descriptors.system();
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
                options.writeTimeout(), () -> stopping, counters::httpResponse, incidents);
        this.inboundMemory = new InboundMemory(options.maxInboundMemory() == 0 ? Long.MAX_VALUE : options.maxInboundMemory());
        this.sessionConfig = options.sessionConfig(options.maxMessageSize(), inboundMemory, incidents);
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
        this.preUpgrade = hook;
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
            stopping = false;
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
        return connectionThreads.size();
    }

    /** Express threads serving a session now; for tests. */
    int expressThreadsBusy() {
        return express.busy();
    }

    /** Connections open, parked sessions included; for leak checks in tests. */
    int openConnections() {
        return openConnections.get();
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
        return sessions.size();
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
        this.descriptors = new Descriptors(source);
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
            stopping = true;
            listener.close();
            handshaking.forEach(Connection::close); // not sessions yet: nothing to close gracefully
            LOG.log(Level.INFO, "stopping {0}: closing {1} sessions", listener.localAddress(), sessions.size());
            for (WebSocketSession session : sessions) {
                Thread.ofVirtual().start(() -> session.close(CloseStatus.GOING_AWAY, "server stopping"));
            }
            long deadline = System.nanoTime() + options.closeTimeout().plusSeconds(1).toNanos();
            try {
                for (Thread t : connectionThreads) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                        break;
                    }
                }
                awaitNoSessions(deadline); // parked sessions have no thread: wait for their close handshakes
                for (WebSocketSession session : sessions) {
                    session.terminate(); // its close frame could not go out in time (e.g. stuck behind a blocked send)
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting for the sessions, not stopping
            }
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

    /** Waits until no session is left, or {@code deadline} (System.nanoTime()) passed. */
    private void awaitNoSessions(long deadline) throws InterruptedException {
        sessionsLock.lock();
        try {
            long left;
            while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                sessionsGone.awaitNanos(left);
            }
        } finally {
            sessionsLock.unlock();
        }
    }

    /**
     * Runs on the connection's virtual thread: handshake, then the handler, then close. A {@link
     * MessageHandler}'s session may park (its thread ends) and go on on other threads; whichever
     * ends it runs {@link #sessionEnded}.
     */
    private void serve(Connection connection) {
        Thread self = Thread.currentThread();
        connectionThreads.add(self);
        openConnections.incrementAndGet();
        AddressLimits.Refusal tooMany = addressLimits.opened(connection.remoteAddress());
        Upgrade upgrade = null;
        try {
            SessionInput in = new SessionInput(connection.input(), connection, INPUT_BUFFER);
            upgrade = handshake(connection, in, tooMany);
            if (upgrade == null) {
                return;
            }
            Upgrade accepted = upgrade;
            WebSocketSession session = upgrade.session();
            Runnable ended = () -> sessionEnded(accepted, connection);
            try {
                session.counters(counters.open(upgrade.request().path()));
                sessions.add(session);
                routes.add(upgrade.request().path(), upgrade.route(), session);
            } catch (RuntimeException | Error e) {
                ended.run();
                throw e;
            }
            if (stopping) {
                try {
                    session.close(CloseStatus.GOING_AWAY, "server stopping");
                } finally {
                    ended.run();
                }
                return;
            }
            if (upgrade.route().handler() instanceof MessageHandler callbacks) {
                new MessageLoop(session, callbacks, options.idleThreshold(), express, connectionThreads, ended).run();
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
                openConnections.decrementAndGet();
            }
            connectionThreads.remove(self);
        }
    }

    /** A session ended (on whichever thread ended it): counts, logs and forgets it. Runs once per session. */
    private void sessionEnded(Upgrade upgrade, Connection connection) {
        WebSocketSession session = upgrade.session();
        try {
            upgrade.route().sessions().remove(session);
            counters.close(upgrade.request().path(), session.counters(), session.sentCloseStatus(),
                    session.receivedCloseStatus());
            AccessLog.ended(upgrade.request(), session.subProtocol(), session);
        } finally {
            admitted.decrementAndGet();
            addressLimits.closed(connection.remoteAddress());
            openConnections.decrementAndGet();
            // Last: stop() returns once no session is left, and by then every count is down
            // (removed first, a stop() could return with this connection still counted open).
            sessions.remove(session);
            if (sessions.isEmpty()) {
                sessionsLock.lock();
                try {
                    sessionsGone.signalAll();
                } finally {
                    sessionsLock.unlock();
                }
            }
        }
    }

    /** An accepted upgrade: the 101 has been sent. */
    private record Upgrade(Route route, UpgradeRequest request, WebSocketSession session) {
    }

    /**
     * Reads and answers the upgrade request within the handshake timeout (the whole request,
     * not each read, so a client dribbling bytes is dropped too). Returns null if refused;
     * otherwise counts the session in {@code admitted}, which the caller releases.
     */
    private Upgrade handshake(Connection connection, SessionInput in, AddressLimits.Refusal tooMany) {
        ScheduledFuture<?> deadline = Timer.after(options.handshakeTimeout(), () -> {
            incidents.rejected("timeout");
            LOG.log(Level.DEBUG, "{0}: dropped: no complete upgrade request within {1} ms",
                    connection.remoteAddress(), String.valueOf(options.handshakeTimeout().toMillis()));
            connection.close();
        });
        boolean admittedHere = false;
        handshaking.add(connection);
        try {
            if (stopping) {
                return null; // accepted just before stop(), which did not see it in handshaking
            }
            HttpHead head;
            RequestLine line;
            try {
                head = HttpHead.read(in, options.maxHandshakeSize());
                line = ServerHandshake.parseRequestLine(head.startLine());
            } catch (HttpException e) {
                reject(connection, e.status(), e.getMessage(), Headers.empty());
                return null;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: no handshake: {1}", connection.remoteAddress(), e.getMessage());
                return null;
            }
            if (tooMany != null) {
                reject(connection, 429, tooMany.reason(),
                        Headers.of("Retry-After", Long.toString(tooMany.retryAfterSeconds())));
                return null;
            }
            if (httpRoutes.serves(line.path(), head.headers())) {
                httpLoop.serve(connection, in, head, line, deadline); // until that connection ends
                return null;
            }
            Route route;
            try {
                route = routes.find(line.path());
            } catch (InterruptedException e) {
                return null;
            }
            if (route == null) {
                reject(connection, 404, "no WebSocket handler for " + line.path(), Headers.empty());
                return null;
            }
            String accept;
            try {
                accept = ServerHandshake.validate(line.method(), head.headers());
            } catch (Rejection r) {
                reject(connection, r.status(), r.getMessage(), r.headers());
                return null;
            }
            // "GET" and the route's path as shared strings: a session keeps its request for life
            UpgradeRequest request = UpgradeRequest.of("GET", line.path().intern(), line.rawQuery(), head.headers(),
                    connection.remoteAddress(), connection.localAddress());
            HttpResponse refusal = admission(route, request);
            if (refusal != null) {
                reject(connection, refusal.status(), refusal.body(), refusal.headers());
                return null;
            }
            admittedHere = true;
            Optional<String> protocol;
            try {
                protocol = selectProtocol(route, head.headers());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "sub-protocol selector failed for " + request, e);
                reject(connection, 500, "internal error", Headers.empty());
                return null;
            }
            Optional<DeflateAgreement> deflate = route.options().compression().orElse(options.compression())
                    ? DeflateNegotiation.accept(head.headers(), options.compressionPolicy()) : Optional.empty();
            Optional<String> extensions = deflate.map(DeflateAgreement::header);
            long maxMessageSize = route.options().maxMessageSize().orElse(options.maxMessageSize());
            // From the 101 on it is a session, which stop() closes with 1001 (serve() checks
            // stopping), not a handshake to drop without a close frame.
            handshaking.remove(connection);
            if (stopping) {
                reject(connection, 503, "server stopping", Headers.empty());
                return null;
            }
            try {
                connection.output().write(ServerHandshake.switchingProtocols(accept, protocol, extensions));
                connection.output().flush();
                counters.handshake(101);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: handshake response not written: {1}", connection.remoteAddress(), e.toString());
                return null;
            }
            if (!deadline.cancel(false)) {
                return null; // the deadline fired and closed the connection
            }
            WebSocketSession session = new WebSocketSession(connection, in, false, request, protocol,
                    deflate.orElse(null), sessionConfig(maxMessageSize), NOTHING);
            admittedHere = false; // handed over to the caller
            return new Upgrade(route, request, session);
        } finally {
            handshaking.remove(connection);
            deadline.cancel(false);
            if (admittedHere) {
                admitted.decrementAndGet();
            }
        }
    }

    /** The limits of a session with {@code maxMessageSize}: one shared instance for the server's own limit. */
    private SessionConfig sessionConfig(long maxMessageSize) {
        return maxMessageSize == options.maxMessageSize() ? sessionConfig
                : options.sessionConfig(maxMessageSize, inboundMemory, incidents);
    }

    /**
     * Applies the admission rules to a valid upgrade request: the session limit (503), the
     * pre-upgrade hook, the route's origin allow-list (403). Returns the refusal, or null after
     * counting the session in {@code admitted}.
     */
    private HttpResponse admission(Route route, UpgradeRequest request) {
        if (descriptors.nearLimit(options.descriptorReserve(), openConnections.get())) {
            return HttpResponse.of(503, "the server is short of file descriptors (limit " + descriptors.limit()
                    + ", " + options.descriptorReserve() + " kept in reserve)").withHeaders(Headers.of("Retry-After", "1"));
        }
        int max = options.maxSessions();
        if (max > 0 && admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return HttpResponse.of(503, "the server has reached its limit of " + max + " sessions")
                    .withHeaders(Headers.of("Retry-After", "1"));
        }
        if (max <= 0) {
            admitted.incrementAndGet();
        }
        HttpResponse refusal = null;
        PreUpgradeHook hook = preUpgrade;
        if (hook != null) {
            try {
                Optional<HttpResponse> answer = hook.check(request);
                refusal = answer == null ? null : answer.orElse(null); // null: no objection, as empty
            } catch (Exception e) {
                LOG.log(Level.ERROR, "pre-upgrade hook failed for " + request, e);
                refusal = HttpResponse.of(500, "internal error");
            }
        }
        Set<String> origins = route.options().allowedOrigins();
        if (refusal == null && !origins.isEmpty()) {
            Optional<String> origin = request.header("Origin");
            if (origin.isPresent() && !origins.contains(origin.get())) {
                refusal = HttpResponse.of(403, "origin " + origin.get() + " is not allowed on " + request.path());
            }
        }
        if (refusal != null) {
            admitted.decrementAndGet();
        }
        return refusal;
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

    private static Optional<String> selectProtocol(Route route, Headers headers) {
        Optional<SubProtocolSelector> selector = route.options().selector();
        if (selector.isEmpty()) {
            return Optional.empty();
        }
        List<String> offered = ServerHandshake.offeredProtocols(headers);
        Optional<String> chosen = selector.get().select(offered);
        if (chosen == null) {
            return Optional.empty(); // as empty: none chosen
        }
        if (chosen.isPresent() && !offered.contains(chosen.get())) {
            LOG.log(Level.WARNING, "sub-protocol selector chose {0}, which the client did not offer {1}; choosing none",
                    chosen.get(), offered);
            return Optional.empty();
        }
        return chosen;
    }

    /** Answers with a plain HTTP response; logged at DEBUG and summed up in the incident summary. */
    private void reject(Connection connection, int status, String message, Headers headers) {
        incidents.rejected(Integer.toString(status));
        counters.handshake(status);
        LOG.log(Level.DEBUG, "{0}: upgrade refused with {1}: {2}", connection.remoteAddress(),
                Integer.toString(status), message);
        try {
            connection.output().write(ServerHandshake.errorResponse(status, message, headers));
            connection.output().flush();
        } catch (IOException e) {
            // The client is gone; nothing else to tell it.
        }
    }

    /**
     * What this server has done since it was created: totals per path, handshakes by outcome,
     * close codes, round-trip times, and the sessions open now. Cheap enough to call for every
     * scrape; counting costs the sessions no allocation.
     */
    public ServerMetrics metrics() {
        return counters.snapshot(sessions, inboundMemory);
    }

    @Override
    public String toString() {
        return "WebSocketServer[" + routes.paths() + (httpRoutes.paths().isEmpty() ? "" : ", http " + httpRoutes.paths()) + "]";
    }
}
