package io.switchboard.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Request;
import io.switchboard.websocket.ServerMetrics;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The text format, the admin access rules and the status JSON, on their own. */
class AdminInternalsTest {

    private static Request request(String ip, Headers headers, String query) {
        return new Request() {
            public String method() {
                return "GET";
            }

            public String path() {
                return "/metrics";
            }

            public Optional<String> rawQuery() {
                return Optional.ofNullable(query);
            }

            public Map<String, List<String>> queryParameters() {
                if (query == null) {
                    return Map.of();
                }
                String[] kv = query.split("=", 2);
                return Map.of(kv[0], List.of(kv[1]));
            }

            public Headers headers() {
                return headers;
            }

            public SocketAddress remoteAddress() {
                return new InetSocketAddress(ip, 40000);
            }

            public SocketAddress localAddress() {
                return new InetSocketAddress("127.0.0.1", 8080);
            }
        };
    }

    @Test
    void prometheusTextHasHelpTypeAndEscapedLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("path", "/a\"b\\c\nd");
        String text = Metric.text(List.of(
                new Metric("x_total", "counter", "things", List.of(new Metric.Sample("", labels, 3))),
                Metric.of("y", "gauge", "a gauge", 0.25)));
        assertEquals("""
                # HELP x_total things
                # TYPE x_total counter
                x_total{path="/a\\"b\\\\c\\nd"} 3
                # HELP y a gauge
                # TYPE y gauge
                y 0.25
                """, text);
    }

    @Test
    void loopbackIsAlwaysAllowedOthersOnlyByListOrToken() {
        AdminAccess none = AdminAccess.of("", "");
        assertTrue(none.permits(request("127.0.0.1", Headers.empty(), null)));
        assertTrue(none.permits(request("::1", Headers.empty(), null)));
        assertFalse(none.permits(request("10.1.2.3", Headers.empty(), null)));

        AdminAccess list = AdminAccess.of("10.0.0.0/8, 192.168.1.7", "");
        assertTrue(list.permits(request("10.200.3.4", Headers.empty(), null)));
        assertTrue(list.permits(request("192.168.1.7", Headers.empty(), null)));
        assertFalse(list.permits(request("192.168.1.8", Headers.empty(), null)));
        assertFalse(list.permits(request("11.0.0.1", Headers.empty(), null)));

        AdminAccess token = AdminAccess.of("", "s3cret");
        assertTrue(token.permits(request("10.1.2.3", Headers.of("Authorization", "Bearer s3cret"), null)));
        assertTrue(token.permits(request("10.1.2.3", Headers.empty(), "token=s3cret")));
        assertFalse(token.permits(request("10.1.2.3", Headers.of("Authorization", "Bearer wrong"), null)));
        assertFalse(token.permits(request("10.1.2.3", Headers.empty(), null)));
    }

    @Test
    void allowEntriesMustBeAddressesOrBlocks() {
        assertThrows(IllegalArgumentException.class, () -> AdminAccess.of("example.com", ""));
        assertThrows(IllegalArgumentException.class, () -> AdminAccess.of("10.0.0.0/33", ""));
    }

    @Test
    void metricFamiliesSumTheServersAndNameEveryPath() {
        ServerMetrics plain = new ServerMetrics(List.of(new ServerMetrics.PathTotals("/ws", 2, 5, 10, 11, 100, 110)),
                Map.of(101, 5L, 404, 1L), Map.of(200, 3L), Map.of(1000, 3L), Map.of(1000, 2L), 4,
                Duration.ofMillis(8), List.of(), 1024, 4096);
        ServerMetrics tls = new ServerMetrics(List.of(new ServerMetrics.PathTotals("/ws", 1, 1, 1, 1, 10, 10)),
                Map.of(101, 1L), Map.of(), Map.of(), Map.of(), 0, Duration.ZERO, List.of(), 0, 0);
        DeployEvents deploys = new DeployEvents();
        deploys.record("installed", "x.jar: installed x 1.0.0");
        String text = Metric.text(MetricFamilies.of(List.of(plain, tls), deploys, true));
        assertTrue(text.contains("\nswitchboard_sessions_open{path=\"/ws\"} 3\n"), text);
        assertTrue(text.contains("\nswitchboard_messages_received_total{path=\"/ws\"} 11\n"), text);
        assertTrue(text.contains("\nswitchboard_handshakes_total{status=\"101\"} 6\n"), text);
        assertTrue(text.contains("\nswitchboard_handshakes_total{status=\"404\"} 1\n"), text);
        assertTrue(text.contains("\nswitchboard_close_codes_received_total{code=\"1000\"} 2\n"), text);
        assertTrue(text.contains("\nswitchboard_heartbeat_rtt_seconds_count 4\n"), text);
        assertTrue(text.contains("\nswitchboard_heartbeat_rtt_seconds_sum 0.008\n"), text);
        assertTrue(text.contains("\nswitchboard_inbound_memory_bytes 1024\n"), text);
        assertTrue(text.contains("\nswitchboard_deploy_events_total{kind=\"installed\"} 1\n"), text);
        assertTrue(text.contains("\nswitchboard_ready 1\n"), text);
        assertTrue(text.contains("\njvm_memory_used_bytes{area=\"heap\"} "), text);
    }

    @Test
    void statusJsonEscapesPeerTextAndListsSessions() {
        ServerMetrics m = new ServerMetrics(List.of(new ServerMetrics.PathTotals("/ws", 1, 1, 0, 0, 0, 0)), Map.of(),
                Map.of(), Map.of(), Map.of(), 0, Duration.ZERO,
                List.of(new ServerMetrics.Session("/ws\"<x>", new InetSocketAddress("127.0.0.1", 5000), Optional.empty(),
                        Instant.ofEpochMilli(1000), 1, 2, 3, 4, Optional.of(Duration.ofMillis(2)))), 0, 0);
        String json = StatusJson.of(true, List.of(new HandlerInfo("websocket", "/ws", "b", "1.0.0", "ACTIVE")),
                List.of(m), new RateHistory(3), new DeployEvents(), 3000);
        assertTrue(json.contains("\"path\":\"/ws\\\"\\u003cx>\""), json);
        assertTrue(json.contains("\"remote\":\"127.0.0.1:5000\""), json);
        assertTrue(json.contains("\"ageMs\":2000"), json);
        assertTrue(json.contains("\"rttMs\":2.0"), json);
        assertTrue(json.contains("\"sessionCount\":1"), json);
    }
}
