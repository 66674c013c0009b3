package io.switchboard.websocket;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of what a {@link WebSocketServer} has done since it was created: the numbers behind
 * the launcher's {@code /metrics}, JMX beans and status page, from {@link WebSocketServer#metrics()}.
 * Totals only grow (they are counters in the Prometheus sense); each is read from its own
 * counter, so two totals of one snapshot may be a moment apart. Immutable.
 *
 * @param paths per WebSocket path that had sessions, its totals
 * @param handshakes upgrade requests by the status answered: 101 for accepted ones, else the
 *     HTTP status of the refusal (404, 400, 426, 503…)
 * @param httpResponses plain HTTP responses (routes of {@link WebSocketServer#get}) by status
 * @param closeCodesSent close codes of the sessions that ended, as sent or ended with by the server
 * @param closeCodesReceived close codes the clients sent
 * @param roundTrips heartbeat pings answered
 * @param roundTripTotal the sum of their round-trip times
 * @param sessions the sessions open now
 * @param inboundMemoryUsed bytes of the inbound memory budget held now by messages being
 *     assembled or inflated (see {@link WebSocketOptions#maxInboundMemory()})
 * @param inboundMemoryLimit that budget, 0 for none
 */
public record ServerMetrics(List<PathTotals> paths, Map<Integer, Long> handshakes, Map<Integer, Long> httpResponses,
        Map<Integer, Long> closeCodesSent, Map<Integer, Long> closeCodesReceived, long roundTrips,
        Duration roundTripTotal, List<Session> sessions, long inboundMemoryUsed, long inboundMemoryLimit) {

    /** Copies the collections. */
    public ServerMetrics {
        paths = List.copyOf(paths);
        handshakes = Map.copyOf(handshakes);
        httpResponses = Map.copyOf(httpResponses);
        closeCodesSent = Map.copyOf(closeCodesSent);
        closeCodesReceived = Map.copyOf(closeCodesReceived);
        sessions = List.copyOf(sessions);
    }

    /**
     * The totals of one WebSocket path.
     *
     * @param openSessions sessions open now
     * @param bytesIn wire bytes of frames received (headers included), likewise {@code bytesOut}
     */
    public record PathTotals(String path, long openSessions, long sessionsOpened, long messagesIn, long messagesOut,
            long bytesIn, long bytesOut) {
    }

    /**
     * One open session.
     *
     * @param roundTripTime the last heartbeat's round trip, if one was answered
     */
    public record Session(String path, SocketAddress remoteAddress, Optional<String> subProtocol, Instant opened,
            long messagesIn, long messagesOut, long bytesIn, long bytesOut, Optional<Duration> roundTripTime) {
    }
}
