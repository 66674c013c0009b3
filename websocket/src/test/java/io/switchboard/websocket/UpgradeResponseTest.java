package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.SAMPLE_ACCEPT;
import static io.switchboard.websocket.RawPeer.SAMPLE_KEY;
import static io.switchboard.websocket.RawPeer.upgradeRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.SubProtocolSelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's HTTP answers to upgrade requests written by hand (RFC 6455 §4.2). */
@Timeout(30)
class UpgradeResponseTest {

    private static WebSocketServer server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = new WebSocketServer(WebSocketOptions.builder().closeTimeout(Duration.ofMillis(500)).build());
        server.webSocket("/ws", (request, ws) -> {
            ws.send("protocol=" + ws.subProtocol().orElse("none"));
            while (ws.read() != null) {
                // until the peer closes
            }
        });
        server.webSocket("/chat", (request, ws) -> {
            ws.send("protocol=" + ws.subProtocol().orElse("none"));
            while (ws.read() != null) {
                // until the peer closes
            }
        }, SubProtocolSelector.preferring(List.of("chat.v2", "chat.v3")));
        port = server.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    /** Sends {@code request}, reads the response head; for non-101 also the body and the end of the stream. */
    private static RawPeer.Head exchange(String request) throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.writeAscii(request);
            RawPeer.Head head = peer.readHead();
            assertTrue(head.startLine().startsWith("HTTP/1.1 "), head.startLine());
            if (head.status() != 101) {
                assertTrue(head.headers().containsToken("Connection", "close"), head.toString());
                int length = Integer.parseInt(head.headers().first("Content-Length").orElseThrow());
                peer.readBytes(length);
                peer.expectEnd();
            }
            return head;
        }
    }

    /** Completes a 101 exchange: reads the greeting, closes normally. Returns the greeting. */
    private static String greetingAfterUpgrade(String request) throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.writeAscii(request);
            RawPeer.Head head = peer.readHead();
            assertEquals(101, head.status(), head.toString());
            assertEquals(SAMPLE_ACCEPT, head.headers().first("Sec-WebSocket-Accept").orElse(null));
            assertTrue(head.headers().containsToken("Upgrade", "websocket"), head.toString());
            assertTrue(head.headers().containsToken("Connection", "upgrade"), head.toString());
            assertFalse(head.headers().contains("Sec-WebSocket-Extensions"), head.toString());
            String greeting = peer.readFrame().text();
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
            return greeting + " " + head.headers().all("Sec-WebSocket-Protocol");
        }
    }

    @Test
    void validUpgradeIsAnsweredWith101AndTheAcceptKeyOfRfc6455Example() throws Exception {
        assertEquals(SAMPLE_ACCEPT, RawPeer.acceptFor(SAMPLE_KEY));
        assertEquals("protocol=none []", greetingAfterUpgrade(upgradeRequest("GET", "/ws")));
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertEquals(404, exchange(upgradeRequest("GET", "/nowhere")).status());
    }

    @Test
    void plainGetToWebSocketPathIs426WithUpgradeHeaders() throws Exception {
        RawPeer.Head head = exchange("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(426, head.status());
        assertEquals(Optional.of("websocket"), head.headers().first("Upgrade"));
        assertEquals(Optional.of("13"), head.headers().first("Sec-WebSocket-Version"));
    }

    @Test
    void postIs405AllowingGet() throws Exception {
        RawPeer.Head head = exchange(upgradeRequest("POST", "/ws", "Content-Length: 0"));
        assertEquals(405, head.status());
        assertEquals(Optional.of("GET"), head.headers().first("Allow"));
    }

    @Test
    void missingKeyIs400() throws Exception {
        String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        assertEquals(400, exchange(request).status());
    }

    @Test
    void keyThatIsNotBase64OfSixteenBytesIs400() throws Exception {
        String shortKey = upgradeRequest("GET", "/ws").replace(SAMPLE_KEY, "c2hvcnQ=");
        assertEquals(400, exchange(shortKey).status());
        String notBase64 = upgradeRequest("GET", "/ws").replace(SAMPLE_KEY, "!!!!!!!!!!!!!!!!!!!!!!==");
        assertEquals(400, exchange(notBase64).status());
    }

    @Test
    void connectionWithoutUpgradeTokenIs400() throws Exception {
        String request = upgradeRequest("GET", "/ws").replace("Connection: Upgrade", "Connection: keep-alive");
        assertEquals(400, exchange(request).status());
    }

    @Test
    void version8Is426NamingVersion13() throws Exception {
        String request = upgradeRequest("GET", "/ws").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
        RawPeer.Head head = exchange(request);
        assertEquals(426, head.status());
        assertEquals(List.of("13"), head.headers().all("Sec-WebSocket-Version"));
    }

    @Test
    void requestHeadOver8KibIs431() throws Exception {
        String request = upgradeRequest("GET", "/ws", "X-Filler: " + "a".repeat(9 * 1024));
        assertEquals(431, exchange(request).status());
    }

    @Test
    void requestHeadFarOver8KibIs431EvenWhileTheClientIsStillSending() throws Exception {
        String request = upgradeRequest("GET", "/ws", "X-Filler: " + "a".repeat(256 * 1024));
        try (RawPeer peer = RawPeer.connect(port)) {
            // The server answers after 8 KiB; the rest may never be read, so writing may fail.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    peer.writeAscii(request);
                } catch (IOException expected) {
                    // the server stopped reading and closed
                }
            });
            RawPeer.Head head = peer.readHead();
            assertEquals(431, head.status(), head.toString());
            assertTrue(writer.join(Duration.ofSeconds(5)));
        }
    }

    @Test
    void requestHeadNotCompletedWithinHandshakeTimeoutEndsTheConnection() throws Exception {
        WebSocketServer slow = new WebSocketServer(WebSocketOptions.builder()
                .handshakeTimeout(Duration.ofMillis(300)).build());
        slow.webSocket("/ws", (request, ws) -> { });
        int slowPort = slow.start("127.0.0.1", 0);
        try (RawPeer peer = RawPeer.connect(slowPort)) {
            peer.writeAscii("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // no blank line: the head never ends
            // The server may answer 408 or just drop the connection; it must not upgrade or hang.
            byte[] answer = peer.readToEnd();
            String text = new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answer.length == 0 || text.startsWith("HTTP/1.1 408 "), text);
        } finally {
            slow.stop();
        }
    }

    @Test
    void upgradeRequestWithABodyIs400AndTheBodyIsNeverReadAsFrames() throws Exception {
        // A masked text frame hidden in the body: it must not reach the handler as a message.
        byte[] frame = RawPeer.frame(true, 0, RawPeer.TEXT, RawPeer.utf8("smuggled"), true);
        String withLength = upgradeRequest("GET", "/ws", "Content-Length: " + frame.length);
        String chunked = upgradeRequest("GET", "/ws", "Transfer-Encoding: chunked");
        String chunk = Integer.toHexString(frame.length) + "\r\n";
        for (byte[] request : List.of(
                RawPeer.concat(withLength.getBytes(StandardCharsets.ISO_8859_1), frame),
                RawPeer.concat(chunked.getBytes(StandardCharsets.ISO_8859_1),
                        chunk.getBytes(StandardCharsets.ISO_8859_1), frame, "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)))) {
            try (RawPeer peer = RawPeer.connect(port)) {
                peer.write(request);
                RawPeer.Head head = peer.readHead();
                assertEquals(400, head.status(), head.toString());
                String body = new String(peer.readBytes(Integer.parseInt(
                        head.headers().first("Content-Length").orElseThrow())), StandardCharsets.UTF_8);
                assertTrue(body.contains("body"), body);
            }
        }
        assertEquals("protocol=none []", greetingAfterUpgrade(upgradeRequest("GET", "/ws", "Content-Length: 0")));
    }

    @Test
    void httpVersion10Is505() throws Exception {
        String request = upgradeRequest("GET", "/ws").replace("HTTP/1.1", "HTTP/1.0");
        assertEquals(505, exchange(request).status());
    }

    @Test
    void upgradeAndConnectionTokensAreMatchedInAnyCaseInsideCommaLists() throws Exception {
        String request = upgradeRequest("GET", "/ws")
                .replace("Upgrade: websocket", "upgrade: WebSocket")
                .replace("Connection: Upgrade", "CONNECTION: keep-alive, UPGRADE");
        assertEquals("protocol=none []", greetingAfterUpgrade(request));

        String splitConnection = upgradeRequest("GET", "/ws")
                .replace("Connection: Upgrade", "Connection: keep-alive\r\nConnection: upgrade");
        assertEquals("protocol=none []", greetingAfterUpgrade(splitConnection));
    }

    @Test
    void offeredPermessageDeflateIsDeclinedWithoutExtensionsHeader() throws Exception {
        String request = upgradeRequest("GET", "/ws",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
        assertEquals("protocol=none []", greetingAfterUpgrade(request));
    }

    @Test
    void subProtocolIsChosenFromOffersSpreadOverTwoFieldLines() throws Exception {
        String request = upgradeRequest("GET", "/chat",
                "Sec-WebSocket-Protocol: mqtt, chat.v1",
                "Sec-WebSocket-Protocol: chat.v3,chat.v2");
        // The client's order decides among supported ones: chat.v3 is offered before chat.v2.
        assertEquals("protocol=chat.v3 [chat.v3]", greetingAfterUpgrade(request));
    }

    @Test
    void noSubProtocolHeaderWhenNoOfferIsSupported() throws Exception {
        String request = upgradeRequest("GET", "/chat", "Sec-WebSocket-Protocol: mqtt");
        assertEquals("protocol=none []", greetingAfterUpgrade(request));
    }

    @Test
    void ourClientReceivesTheSelectedSubProtocol() {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/chat",
                io.switchboard.api.Headers.of("Sec-WebSocket-Protocol", "chat.v1, chat.v2"));
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        try {
            assertEquals(Optional.of("chat.v2"), client.subProtocol());
            assertEquals(new Message.Text("protocol=chat.v2"), client.read());
        } finally {
            client.close();
        }
    }
}
