package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Request;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line per WebSocket session at its end, on the logger {@value #LOGGER} at INFO: remote
 * address, path, sub-protocol, duration, messages and bytes each way, the close code each way,
 * and who closed first. The record carries two parameters: the text line, and the same fields
 * as an ordered {@code Map<String, Object>} for structured (JSON) output. Turn it off by setting
 * that logger's level above INFO. Thread-safe.
 */
public final class AccessLog {

    /** The logger's name. */
    public static final String LOGGER = "io.switchboard.access";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private AccessLog() {
    }

    /** Logs the line for a session that ended; cheap when the logger is off. */
    public static void ended(Request request, Optional<String> subProtocol, WebSocketSession session) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        Map<String, Object> fields = fields(request, subProtocol, session.counters(), session.sentCloseStatus(),
                session.receivedCloseStatus(), session.peerClosedFirst(), System.currentTimeMillis());
        LOG.log(Level.INFO, "{0}", line(fields), fields);
    }

    /** The fields of the line, in order. */
    static Map<String, Object> fields(Request request, Optional<String> subProtocol, SessionCounters counters,
            CloseStatus sent, CloseStatus received, boolean peerFirst, long nowMillis) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("remote", String.valueOf(request.remoteAddress()).replaceFirst("^/", ""));
        fields.put("path", request.path());
        fields.put("subprotocol", subProtocol.orElse("-"));
        fields.put("duration_ms", Math.max(0, nowMillis - counters.openedAtMillis()));
        fields.put("messages_in", counters.messagesIn());
        fields.put("bytes_in", counters.bytesIn());
        fields.put("messages_out", counters.messagesOut());
        fields.put("bytes_out", counters.bytesOut());
        fields.put("close_sent", sent == null ? "-" : String.valueOf(sent.code()));
        fields.put("close_received", received == null ? "-" : String.valueOf(received.code()));
        fields.put("closed_by", received != null && peerFirst ? "client" : sent != null ? "server" : "none");
        return fields;
    }

    /** {@code key=value} pairs separated by spaces; values from the peer are quoted. */
    static String line(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("session");
        fields.forEach((k, v) -> {
            sb.append(' ').append(k).append('=');
            String text = String.valueOf(v);
            if (k.equals("path") || k.equals("subprotocol")) {
                sb.append('"');
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '"' || c == '\\') {
                        sb.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7F) {
                        sb.append(String.format("\\x%02X", (int) c)); // no forged lines
                    } else {
                        sb.append(c);
                    }
                }
                sb.append('"');
            } else {
                sb.append(text);
            }
        });
        return sb.toString();
    }
}
