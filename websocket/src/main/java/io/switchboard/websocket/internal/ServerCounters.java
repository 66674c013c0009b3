package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.websocket.ServerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server's running totals: handshakes by outcome, plain HTTP responses by status, per path
 * the sessions opened and closed and the messages and bytes each way, close codes sent and
 * received, and the heartbeat round-trip times. Counting is a {@code LongAdder} add on an
 * object looked up once per session (per path) or per handshake; no allocation per message.
 * Thread-safe.
 */
public final class ServerCounters {

    /** Totals of one path. */
    public static final class PathCounters {
        private final ServerCounters server;
        final LongAdder sessionsOpened = new LongAdder();
        final LongAdder sessionsClosed = new LongAdder();
        final LongAdder messagesIn = new LongAdder();
        final LongAdder messagesOut = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        PathCounters(ServerCounters server) {
            this.server = server;
        }

        ServerCounters server() {
            return server;
        }

        public long sessionsOpened() {
            return sessionsOpened.sum();
        }

        public long sessionsClosed() {
            return sessionsClosed.sum();
        }

        public long messagesIn() {
            return messagesIn.sum();
        }

        public long messagesOut() {
            return messagesOut.sum();
        }

        public long bytesIn() {
            return bytesIn.sum();
        }

        public long bytesOut() {
            return bytesOut.sum();
        }
    }

    private final Map<String, PathCounters> paths = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> handshakes = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> httpResponses = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeCodesSent = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeCodesReceived = new ConcurrentHashMap<>();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder roundTripNanos = new LongAdder();

    /** Counts an upgrade request answered with {@code status} (101 for an accepted one). */
    public void handshake(int status) {
        count(handshakes, status);
    }

    /** Counts a plain HTTP response with {@code status}. */
    public void httpResponse(int status) {
        count(httpResponses, status);
    }

    /** Counters for a new session on {@code path}, counted as opened. */
    public SessionCounters open(String path) {
        PathCounters counters = paths.computeIfAbsent(path, p -> new PathCounters(this));
        counters.sessionsOpened.increment();
        return new SessionCounters(counters);
    }

    /**
     * Counts the end of the session on {@code path} with {@code session}'s counts, and the close
     * codes it sent and received (null for none).
     */
    public void close(String path, SessionCounters session, CloseStatus sent, CloseStatus received) {
        session.flush();
        PathCounters counters = paths.get(path);
        if (counters != null) {
            counters.sessionsClosed.increment();
        }
        if (sent != null) {
            count(closeCodesSent, sent.code());
        }
        if (received != null) {
            count(closeCodesReceived, received.code());
        }
    }

    void roundTrip(long nanos) {
        roundTrips.increment();
        roundTripNanos.add(nanos);
    }

    /** A snapshot of the totals, with {@code live} as the sessions open now, and the inbound memory in use. */
    public ServerMetrics snapshot(Collection<WebSocketSession> live, InboundMemory memory) {
        Map<String, Long> open = new HashMap<>();
        List<ServerMetrics.Session> sessions = new ArrayList<>();
        for (WebSocketSession session : live) {
            SessionCounters c = session.counters();
            String path = session.request().path();
            open.merge(path, 1L, Long::sum);
            sessions.add(new ServerMetrics.Session(path, session.request().remoteAddress(), session.subProtocol(),
                    Instant.ofEpochMilli(c.openedAtMillis()), c.messagesIn(), c.messagesOut(), c.bytesIn(),
                    c.bytesOut(), session.roundTripTime()));
        }
        List<ServerMetrics.PathTotals> totals = new ArrayList<>();
        paths.forEach((path, p) -> totals.add(new ServerMetrics.PathTotals(path, open.getOrDefault(path, 0L),
                p.sessionsOpened(), p.messagesIn(), p.messagesOut(), p.bytesIn(), p.bytesOut())));
        totals.sort(Comparator.comparing(ServerMetrics.PathTotals::path));
        return new ServerMetrics(totals, handshakes(), httpResponses(), closeCodesSent(), closeCodesReceived(),
                roundTrips(), Duration.ofNanos(roundTripNanos()), sessions, memory.used(),
                memory.limit() == Long.MAX_VALUE ? 0 : memory.limit());
    }

    private static void count(Map<Integer, LongAdder> map, int key) {
        LongAdder adder = map.get(key);
        if (adder == null) {
            adder = map.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.increment();
    }

    private static Map<Integer, Long> snapshot(Map<Integer, LongAdder> map) {
        Map<Integer, Long> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Path to its totals; the map is live, the totals are read when asked. */
    public Map<String, PathCounters> paths() {
        return paths;
    }

    public Map<Integer, Long> handshakes() {
        return snapshot(handshakes);
    }

    public Map<Integer, Long> httpResponses() {
        return snapshot(httpResponses);
    }

    public Map<Integer, Long> closeCodesSent() {
        return snapshot(closeCodesSent);
    }

    public Map<Integer, Long> closeCodesReceived() {
        return snapshot(closeCodesReceived);
    }

    public long roundTrips() {
        return roundTrips.sum();
    }

    public long roundTripNanos() {
        return roundTripNanos.sum();
    }
}
