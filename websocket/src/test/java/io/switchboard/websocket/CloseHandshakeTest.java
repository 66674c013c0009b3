package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The close handshake (RFC 6455 §7) in both directions, with codes and reasons. */
@Timeout(30)
class CloseHandshakeTest {

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500)).build();

    /** What the server-side handler saw once its read() returned null. */
    private record Ending(Message lastRead, boolean open, Optional<CloseStatus> status, Optional<String> reason) {
    }

    private WebSocketServer server;
    private int port;
    private final CompletableFuture<Ending> serverEnding = new CompletableFuture<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new WebSocketServer(OPTIONS);
        server.webSocket("/wait-for-close", (request, ws) -> {
            Message last = ws.read();
            serverEnding.complete(new Ending(last, ws.isOpen(), ws.closeStatus(), ws.closeReason()));
        });
        server.webSocket("/close-4001", (request, ws) -> {
            ws.close(CloseStatus.of(4001), "custom");
            serverEnding.complete(new Ending(null, ws.isOpen(), ws.closeStatus(), ws.closeReason()));
        });
        server.webSocket("/return", (request, ws) -> { });
        server.webSocket("/throw", (request, ws) -> {
            throw new IllegalStateException("handler failed on purpose");
        });
        server.webSocket("/echo", Started.ECHO);
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private WebSocketClient connect(String path) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + path, Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        return client;
    }

    @Test
    void clientCloseWithReasonEndsServerReadAndReportsCodeAndReasonOnBothSides() throws Exception {
        WebSocketClient client = connect("/wait-for-close");
        client.close(CloseStatus.NORMAL, "bye");

        Ending ending = serverEnding.get(5, TimeUnit.SECONDS);
        assertNull(ending.lastRead());
        assertFalse(ending.open());
        assertEquals(Optional.of(CloseStatus.NORMAL), ending.status());
        assertEquals(Optional.of("bye"), ending.reason());
        assertFalse(client.isOpen());
        assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
        assertEquals(Optional.of("bye"), client.closeReason(), "the server echoes the reason back");
        assertNull(client.read());
    }

    @Test
    void serverCloseWithPrivateCodeEndsClientReadWithThatCodeAndReason() throws Exception {
        WebSocketClient client = connect("/close-4001");
        assertNull(client.read());
        assertFalse(client.isOpen());
        assertEquals(Optional.of(CloseStatus.of(4001)), client.closeStatus());
        assertEquals(4001, client.closeStatus().orElseThrow().code());
        assertEquals(Optional.of("custom"), client.closeReason());
        assertFalse(client.send("too late"), "send after the close must report false");

        Ending ending = serverEnding.get(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(CloseStatus.of(4001)), ending.status());
    }

    @Test
    void handlerReturningClosesWithNormalClosure() {
        WebSocketClient client = connect("/return");
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
        assertEquals(Optional.empty(), client.closeReason());
    }

    @Test
    void handlerThrowingClosesWithInternalError() {
        WebSocketClient client = connect("/throw");
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.INTERNAL_ERROR), client.closeStatus());
    }

    @Test
    void closeIsIdempotentAndReadKeepsReturningNull() {
        WebSocket client = connect("/echo");
        assertTrue(client.send("x"));
        assertEquals(new Message.Text("x"), client.read());
        client.close(CloseStatus.GOING_AWAY, "first");
        client.close(CloseStatus.NORMAL, "second");
        assertEquals(Optional.of(CloseStatus.GOING_AWAY), client.closeStatus());
        assertEquals(Optional.of("first"), client.closeReason());
        assertNull(client.read());
        assertNull(client.read());
    }

    @Test
    void rawPeerCloseIsEchoedWithSameCodeThenServerEndsTcp() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.sendClose(1000, "done");
            RawPeer.Frame echo = peer.expectCloseThenEnd(1000);
            assertEquals("done", echo.closeReason());
            assertFalse(echo.masked());
        }
    }

    @Test
    void rawPeerEmptyCloseIsAnsweredWithEmptyClose() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/wait-for-close")) {
            peer.sendClose(-1, "");
            RawPeer.Frame echo = peer.readFrame();
            assertEquals(RawPeer.CLOSE, echo.opcode());
            assertEquals(0, echo.payload().length, "1005 must not be sent; the answer carries no code");
            peer.expectEnd();
        }
        Ending ending = serverEnding.get(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(CloseStatus.NO_STATUS_RECEIVED), ending.status());
    }

    @Test
    void peerVanishingWithoutCloseFrameIsAbnormalClosureOnTheServer() throws Exception {
        RawPeer peer = RawPeer.upgrade(port, "/wait-for-close");
        peer.close();
        Ending ending = serverEnding.get(5, TimeUnit.SECONDS);
        assertNull(ending.lastRead());
        assertEquals(Optional.of(CloseStatus.ABNORMAL_CLOSURE), ending.status());
        assertEquals(Optional.empty(), ending.reason());
    }

    @Test
    void stoppingTheServerClosesLiveSessionsWithGoingAway() {
        WebSocketClient client = connect("/echo");
        assertTrue(client.send("before stop"));
        assertEquals(new Message.Text("before stop"), client.read());
        assertEquals(1, server.sessionCount());
        server.stop();
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.GOING_AWAY), client.closeStatus());
        assertFalse(server.isRunning());
        assertEquals(0, server.sessionCount());
    }

    @Test
    void closeWithUnsendableStatusOrOverlongReasonIsRejectedAndKeepsTheConnectionOpen() {
        WebSocketClient client = connect("/echo");
        assertThrows(IllegalArgumentException.class, () -> client.close(CloseStatus.ABNORMAL_CLOSURE, ""));
        assertThrows(IllegalArgumentException.class, () -> client.close(CloseStatus.NORMAL, "é".repeat(62)));
        assertTrue(client.isOpen());
        client.close(CloseStatus.NORMAL, "x".repeat(123));
        assertEquals(Optional.of("x".repeat(123)), client.closeReason());
    }

    @Test
    void serverCloseIsBoundedByCloseTimeoutWhenPeerNeverAnswers() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/close-4001")) {
            RawPeer.Frame close = peer.readFrame();
            assertEquals(4001, close.closeCode());
            assertEquals("custom", close.closeReason());
            // No answer from us: the server gives up after its close timeout and ends TCP.
            assertEquals(0, peer.readToEnd().length);
        }
        Ending ending = serverEnding.get(5, TimeUnit.SECONDS);
        assertFalse(ending.open());
        assertEquals(Optional.of(CloseStatus.of(4001)), ending.status());
    }
}
