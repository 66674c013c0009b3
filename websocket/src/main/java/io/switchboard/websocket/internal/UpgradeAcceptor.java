package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.api.SubProtocolSelector;
import io.switchboard.api.spi.Connection;
import io.switchboard.websocket.HttpResponse;
import io.switchboard.websocket.PreUpgradeHook;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import io.switchboard.websocket.internal.RouteTable.Route;
import io.switchboard.websocket.internal.ServerHandshake.Rejection;
import io.switchboard.websocket.internal.ServerHandshake.RequestLine;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongFunction;

/**
 * The server's side of the opening handshake (RFC 6455 §4.2) on one connection: reads the HTTP
 * request within the handshake timeout, hands plain HTTP requests to the {@link
 * HttpRequestLoop}, finds the route, validates the upgrade, applies the admission rules
 * (descriptor reserve, session limit, pre-upgrade hook, allowed origins), chooses the
 * sub-protocol and permessage-deflate, and answers 101 with a new session, or the refusal's
 * status with one DEBUG line (summed up in the incident summary). Header parsing and the
 * response bytes are {@link ServerHandshake}'s.
 *
 * <p>One instance per server. Thread-safe: each connection's thread calls {@link #handshake}
 * with state of its own; the hook and the descriptor readings may be replaced at any time.
 */
public final class UpgradeAcceptor {

    /** The server's logger: handshake lines are the server's, whichever class writes them. */
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());
    /** The sessions' onTerminated: the server counts a session's end where its runner ends it. */
    private static final Runnable NOTHING = () -> { };

    private final WebSocketOptions options;
    /** The permessage-deflate policy, whether or not compression is on (a route may turn it on). */
    private final DeflatePolicy compressionPolicy;
    /** The limits of a session with a given message size limit. */
    private final LongFunction<SessionConfig> sessionConfigs;
    /** The limits of every session at the server's message size limit (routes may set another). */
    private final SessionConfig sessionConfig;
    private final RouteTable routes;
    private final HttpRoutes httpRoutes;
    private final HttpRequestLoop httpLoop;
    private final ServerConnections connections;
    private final ServerCounters counters;
    /** Refused handshakes, summed up for the log. */
    private final IncidentSummary incidents;
    /** Sees upgrade requests before they are upgraded; null for none. */
    private volatile PreUpgradeHook preUpgrade;
    /** The process's descriptors; replaced by tests. */
    private volatile Descriptors descriptors = Descriptors.system();

    /** An accepted upgrade: the 101 has been sent, the session counted in {@link ServerConnections#admit}. */
    public record Upgrade(Route route, UpgradeRequest request, WebSocketSession session) {
    }

    /**
     * @param compressionPolicy the server's permessage-deflate policy, used where compression is on
     * @param sessionConfigs the limits of a session with the given message size limit
     * @param httpRoutes the plain HTTP routes, served by {@code httpLoop}
     */
    public UpgradeAcceptor(WebSocketOptions options, DeflatePolicy compressionPolicy,
            LongFunction<SessionConfig> sessionConfigs, RouteTable routes, HttpRoutes httpRoutes,
            HttpRequestLoop httpLoop, ServerConnections connections, ServerCounters counters,
            IncidentSummary incidents) {
        this.options = options;
        this.compressionPolicy = compressionPolicy;
        this.sessionConfigs = sessionConfigs;
        this.sessionConfig = sessionConfigs.apply(options.maxMessageSize());
        this.routes = routes;
        this.httpRoutes = httpRoutes;
        this.httpLoop = httpLoop;
        this.connections = connections;
        this.counters = counters;
        this.incidents = incidents;
    }

    /** Sets the hook that sees every upgrade request before it is upgraded; null for none. */
    public void preUpgrade(PreUpgradeHook hook) {
        this.preUpgrade = hook;
    }

    /** Replaces the descriptor readings, for tests. */
    public void descriptors(Descriptors descriptors) {
        this.descriptors = descriptors;
    }

    /**
     * Reads and answers the upgrade request within the handshake timeout (the whole request,
     * not each read, so a client dribbling bytes is dropped too). Returns null if refused;
     * otherwise counts the session in {@link ServerConnections#admit}, which the caller releases.
     *
     * @param tooMany the per-address refusal of this connection, or null if it is within the limits
     */
    public Upgrade handshake(Connection connection, SessionInput in, AddressLimits.Refusal tooMany) {
        ScheduledFuture<?> deadline = Timer.after(options.handshakeTimeout(), () -> {
            incidents.rejected("timeout");
            LOG.log(Level.DEBUG, "{0}: dropped: no complete upgrade request within {1} ms",
                    connection.remoteAddress(), String.valueOf(options.handshakeTimeout().toMillis()));
            connection.close();
        });
        boolean admittedHere = false;
        connections.handshaking(connection);
        try {
            if (connections.isStopping()) {
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
                    ? DeflateNegotiation.accept(head.headers(), compressionPolicy) : Optional.empty();
            Optional<String> extensions = deflate.map(DeflateAgreement::header);
            long maxMessageSize = route.options().maxMessageSize().orElse(options.maxMessageSize());
            // From the 101 on it is a session, which stop() closes with 1001 (serve() checks
            // stopping), not a handshake to drop without a close frame.
            connections.handshakeOver(connection);
            if (connections.isStopping()) {
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
            connections.handshakeOver(connection);
            deadline.cancel(false);
            if (admittedHere) {
                connections.release();
            }
        }
    }

    /** The limits of a session with {@code maxMessageSize}: one shared instance for the server's own limit. */
    private SessionConfig sessionConfig(long maxMessageSize) {
        return maxMessageSize == options.maxMessageSize() ? sessionConfig : sessionConfigs.apply(maxMessageSize);
    }

    /**
     * Applies the admission rules to a valid upgrade request: the descriptor reserve and the
     * session limit (503), the pre-upgrade hook, the route's origin allow-list (403). Returns the
     * refusal, or null after counting the session in {@link ServerConnections#admit}.
     */
    private HttpResponse admission(Route route, UpgradeRequest request) {
        if (descriptors.nearLimit(options.descriptorReserve(), connections.openConnections())) {
            return HttpResponse.of(503, "the server is short of file descriptors (limit " + descriptors.limit()
                    + ", " + options.descriptorReserve() + " kept in reserve)").withHeaders(Headers.of("Retry-After", "1"));
        }
        int max = options.maxSessions();
        if (!connections.admit(max)) {
            return HttpResponse.of(503, "the server has reached its limit of " + max + " sessions")
                    .withHeaders(Headers.of("Retry-After", "1"));
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
            connections.release();
        }
        return refusal;
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
}
