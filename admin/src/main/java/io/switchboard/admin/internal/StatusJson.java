package io.switchboard.admin.internal;

import io.switchboard.websocket.ServerMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The status page's data as one JSON object: readiness, handlers, per-path totals, open sessions
 * (the first {@value #MAX_SESSIONS}), rate history, recent deploy events, close codes and
 * handshakes. Pure; thread-safe.
 */
public final class StatusJson {

    /** Sessions listed at most; the count per path covers all of them. */
    static final int MAX_SESSIONS = 200;

    private StatusJson() {
    }

    public static String of(boolean ready, List<HandlerInfo> handlers, List<ServerMetrics> servers, RateHistory history,
            DeployEvents deploys, long nowMillis) {
        StringBuilder j = new StringBuilder(4096).append('{');
        j.append("\"time\":").append(nowMillis).append(",\"ready\":").append(ready);
        j.append(",\"handlers\":[");
        String sep = "";
        for (HandlerInfo h : handlers) {
            j.append(sep).append("{\"kind\":").append(str(h.kind())).append(",\"path\":").append(str(h.path()))
                    .append(",\"bundle\":").append(str(h.bundle())).append(",\"version\":").append(str(h.version()))
                    .append(",\"state\":").append(str(h.state())).append('}');
            sep = ",";
        }
        j.append("],\"paths\":[");
        sep = "";
        for (ServerMetrics server : servers) {
            for (ServerMetrics.PathTotals p : server.paths()) {
                j.append(sep).append("{\"path\":").append(str(p.path())).append(",\"open\":").append(p.openSessions())
                        .append(",\"opened\":").append(p.sessionsOpened()).append(",\"messagesIn\":").append(p.messagesIn())
                        .append(",\"messagesOut\":").append(p.messagesOut()).append(",\"bytesIn\":").append(p.bytesIn())
                        .append(",\"bytesOut\":").append(p.bytesOut()).append('}');
                sep = ",";
            }
        }
        j.append("],\"sessions\":[");
        sep = "";
        int listed = 0;
        long total = 0;
        for (ServerMetrics server : servers) {
            total += server.sessions().size();
            for (ServerMetrics.Session s : server.sessions()) {
                if (listed++ >= MAX_SESSIONS) {
                    break;
                }
                j.append(sep).append("{\"path\":").append(str(s.path()))
                        .append(",\"remote\":").append(str(String.valueOf(s.remoteAddress()).replaceFirst("^/", "")))
                        .append(",\"subprotocol\":").append(str(s.subProtocol().orElse("")))
                        .append(",\"ageMs\":").append(Math.max(0, nowMillis - s.opened().toEpochMilli()))
                        .append(",\"messagesIn\":").append(s.messagesIn()).append(",\"messagesOut\":").append(s.messagesOut())
                        .append(",\"bytesIn\":").append(s.bytesIn()).append(",\"bytesOut\":").append(s.bytesOut())
                        .append(",\"rttMs\":").append(s.roundTripTime().map(d -> String.valueOf(d.toNanos() / 1e6)).orElse("null"))
                        .append('}');
                sep = ",";
            }
        }
        j.append("],\"sessionCount\":").append(total);
        j.append(",\"history\":[");
        sep = "";
        for (RateHistory.Point p : history.points()) {
            j.append(sep).append('[').append(p.timeMillis()).append(',').append(p.messagesIn()).append(',')
                    .append(p.messagesOut()).append(',').append(p.bytesIn()).append(',').append(p.bytesOut()).append(',')
                    .append(p.sessions()).append(']');
            sep = ",";
        }
        j.append("],\"deploys\":[");
        sep = "";
        for (DeployEvents.Event e : deploys.recent()) {
            j.append(sep).append("{\"time\":").append(str(Instant.ofEpochMilli(e.time().toEpochMilli()).toString()))
                    .append(",\"kind\":").append(str(e.kind())).append(",\"message\":").append(str(e.message())).append('}');
            sep = ",";
        }
        j.append(']');
        codes(j, "closeSent", servers, ServerMetrics::closeCodesSent);
        codes(j, "closeReceived", servers, ServerMetrics::closeCodesReceived);
        codes(j, "handshakes", servers, ServerMetrics::handshakes);
        return j.append('}').toString();
    }

    private static void codes(StringBuilder j, String name, List<ServerMetrics> servers,
            java.util.function.Function<ServerMetrics, Map<Integer, Long>> counts) {
        Map<Integer, Long> sum = new java.util.TreeMap<>();
        servers.forEach(s -> counts.apply(s).forEach((code, n) -> sum.merge(code, n, Long::sum)));
        j.append(",\"").append(name).append("\":{");
        String sep = "";
        for (Map.Entry<Integer, Long> e : sum.entrySet()) {
            j.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
            sep = ",";
        }
        j.append('}');
    }

    /** A JSON string literal (RFC 8259 §7). */
    static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c)); // '<': safe inside a page too
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
