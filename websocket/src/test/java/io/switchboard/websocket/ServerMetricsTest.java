package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.websocket.internal.AccessLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's totals, its open sessions, and the access log line at each session's end. */
@org.junit.jupiter.api.Timeout(30)
class ServerMetricsTest {

    private final Started started = new Started();
    private final Logger accessLogger = Logger.getLogger(AccessLog.LOGGER);
    private final List<LogRecord> access = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            access.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    ServerMetricsTest() {
        accessLogger.addHandler(recorder);
    }

    @AfterEach
    void tearDown() {
        started.close();
        accessLogger.removeHandler(recorder);
    }

    @Test
    void sessionsMessagesBytesHandshakesAndCloseCodesAreCounted() throws Exception {
        WebSocketServer server = started.server(new WebSocketServer());
        server.webSocket("/ws", Started.ECHO);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/ws"));
        assertTrue(client.connect().isConnected());
        for (int i = 0; i < 3; i++) {
            client.send("hello");
            assertEquals("hello", ((Message.Text) client.read()).text());
        }
        // Pings are answered while the peer reads, and pongs seen while the server reads: echo
        // until a heartbeat (every 20 ms) has made the round trip.
        WebSocketServer rttServer = started.server(new WebSocketServer(WebSocketOptions.builder()
                .pingInterval(Duration.ofMillis(20)).build()));
        rttServer.webSocket("/rtt", Started.ECHO);
        int rttPort = rttServer.start("127.0.0.1", 0);
        WebSocketClient rttClient = started.client(new WebSocketClient("ws://127.0.0.1:" + rttPort + "/rtt"));
        assertTrue(rttClient.connect().isConnected());
        assertTrue(Await.until(Duration.ofSeconds(10), () -> {
            rttClient.send("x");
            rttClient.read();
            return rttServer.metrics().roundTrips() > 0;
        }), "a heartbeat answered");
        assertTrue(rttServer.metrics().roundTrips() > 0);
        assertTrue(rttServer.metrics().roundTripTotal().toNanos() > 0);
        ServerMetrics open = server.metrics();
        assertEquals(1, open.sessions().size());
        ServerMetrics.Session session = open.sessions().get(0);
        assertEquals("/ws", session.path());
        assertEquals(3, session.messagesIn());
        assertEquals(3, session.messagesOut());
        assertEquals(3 * (2 + 4 + 5), session.bytesIn(), "three masked 5-byte frames");
        assertEquals(3 * (2 + 5), session.bytesOut(), "three unmasked 5-byte frames");
        assertEquals(1, open.paths().get(0).openSessions());

        assertTrue(new WebSocketClient("ws://127.0.0.1:" + port + "/none").connect().httpStatus() == 404);
        client.close(CloseStatus.of(4000), "bye");
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.sessionCount() == 0 && !access.isEmpty()), "the session ended");

        ServerMetrics done = server.metrics();
        ServerMetrics.PathTotals ws = done.paths().get(0);
        assertEquals(0, ws.openSessions());
        assertEquals(1, ws.sessionsOpened());
        assertEquals(3, ws.messagesIn());
        assertEquals(3, ws.messagesOut());
        assertEquals(3 * (2 + 4 + 5) + (2 + 4 + 5), ws.bytesIn(), "the messages and the close frame (code and 'bye')");
        assertEquals(Map.of(101, 1L, 404, 1L), done.handshakes());
        assertEquals(Map.of(4000, 1L), done.closeCodesReceived());
        assertEquals(Map.of(4000, 1L), done.closeCodesSent(), "the echoed close code");
        assertTrue(done.sessions().isEmpty());

        LogRecord line = access.get(0);
        String text = (String) line.getParameters()[0];
        assertTrue(text.startsWith("session remote=127.0.0.1:"), text);
        assertTrue(text.contains(" path=\"/ws\" subprotocol=\"-\" duration_ms="), text);
        assertTrue(text.contains(" messages_in=3 bytes_in=44 messages_out=3 "), text);
        assertTrue(text.endsWith(" close_sent=4000 close_received=4000 closed_by=client"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) line.getParameters()[1];
        assertEquals(3L, fields.get("messages_in"));
        assertEquals("client", fields.get("closed_by"));
    }

    @Test
    void aServerSideCloseIsLoggedAsClosedByTheServer() throws Exception {
        WebSocketServer server = started.server(new WebSocketServer());
        server.webSocket("/bye", (request, ws) -> ws.close(CloseStatus.POLICY_VIOLATION, "no"));
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/bye"));
        assertTrue(client.connect().isConnected());
        assertEquals(null, client.read());
        assertTrue(Await.until(Duration.ofSeconds(10), () -> !access.isEmpty()), "the access log line");
        String text = (String) access.get(0).getParameters()[0];
        assertTrue(text.endsWith(" close_sent=1008 close_received=1008 closed_by=server"), text);
        assertEquals(Map.of(1008, 1L), server.metrics().closeCodesSent());
    }
}
