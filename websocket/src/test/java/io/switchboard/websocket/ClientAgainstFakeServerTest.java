package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.CLOSE;
import static io.switchboard.websocket.RawPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Named.named;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our client against hand-written servers that answer exactly what each test needs. */
@Timeout(30)
class ClientAgainstFakeServerTest {

    private static final int CLIENT_MAX_MESSAGE = 1000;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500))
            .handshakeTimeout(Duration.ofSeconds(5))
            .build();

    /** What the fake server does with one accepted connection whose request head it has read. */
    @FunctionalInterface
    private interface Script {
        void run(RawPeer peer, RawPeer.Head request) throws Exception;
    }

    private ServerSocket fake;
    private String url;

    @BeforeEach
    void openFakeServer() throws IOException {
        fake = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        url = "ws://127.0.0.1:" + fake.getLocalPort() + "/fake";
    }

    @AfterEach
    void closeFakeServer() throws IOException {
        fake.close();
    }

    /** Serves one connection with {@code script} on a virtual thread; the future fails if it does. */
    private CompletableFuture<Void> serveOnce(Script script) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("fake-server").start(() -> {
            try (Socket socket = fake.accept(); RawPeer peer = RawPeer.of(socket)) {
                RawPeer.Head request = peer.readHead();
                script.run(peer, request);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static String switchingProtocols(RawPeer.Head request) {
        String key = request.headers().first("Sec-WebSocket-Key").orElseThrow();
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + RawPeer.acceptFor(key) + "\r\n\r\n";
    }

    private static void await(CompletableFuture<Void> server) throws Exception {
        server.get(10, TimeUnit.SECONDS);
    }

    @Test
    void argumentsAreCheckedAsDocumentedAlsoBeforeTheFirstConnect() {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:1/never");
        assertThrows(IllegalArgumentException.class, () -> client.ping(new byte[126]));
        assertThrows(IllegalArgumentException.class, () -> client.close(CloseStatus.NO_STATUS_RECEIVED, ""));
        assertThrows(IllegalArgumentException.class, () -> client.close(CloseStatus.NORMAL, "x".repeat(124)));
        assertFalse(client.ping(new byte[125]), "nothing to ping yet");
        client.close(CloseStatus.NORMAL, "x".repeat(123)); // nothing to close yet
        assertFalse(client.isOpen());
    }

    @Test
    void http401IsHandshakeRejectedWithStatusAndHeaders() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> peer.writeAscii(
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"switchboard\"\r\n"
                        + "Content-Length: 0\r\n\r\n"));
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertEquals(Outcome.HANDSHAKE_REJECTED, result.outcome(), result.toString());
        assertEquals(401, result.httpStatus());
        assertEquals(Optional.of("Basic realm=\"switchboard\""), result.headers().first("www-authenticate"));
        assertFalse(result.isConnected());
        assertFalse(client.isOpen());
        assertNull(client.read());
        assertFalse(client.send("not connected"));
        await(server);
    }

    @Test
    void wrongAcceptKeyIsBadAccept() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> peer.writeAscii(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + RawPeer.SAMPLE_ACCEPT + "\r\n\r\n"));
        ConnectResult result = new WebSocketClient(url, Headers.empty(), OPTIONS).connect();
        assertEquals(Outcome.BAD_ACCEPT, result.outcome(), result.toString());
        assertEquals(101, result.httpStatus());
        await(server);
    }

    @Test
    void switchingProtocolsWithoutUpgradeHeaderIsMissingUpgrade() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> peer.writeAscii(
                switchingProtocols(request).replace("Upgrade: websocket\r\n", "")));
        ConnectResult result = new WebSocketClient(url, Headers.empty(), OPTIONS).connect();
        assertEquals(Outcome.MISSING_UPGRADE, result.outcome(), result.toString());
        await(server);
    }

    @Test
    void serverThatNeverAnswersIsTimeout() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            assertEquals("GET /fake HTTP/1.1", request.startLine());
            peer.expectEnd(); // the client gives up and closes
        });
        WebSocketOptions quick = OPTIONS.toBuilder().handshakeTimeout(Duration.ofMillis(300)).build();
        ConnectResult result = new WebSocketClient(url, Headers.empty(), quick).connect();
        assertEquals(Outcome.TIMEOUT, result.outcome(), result.toString());
        await(server);
    }

    @Test
    void closedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        ConnectResult result = new WebSocketClient("ws://127.0.0.1:" + port + "/", Headers.empty(), OPTIONS).connect();
        assertEquals(Outcome.REFUSED, result.outcome(), result.toString());
    }

    @Test
    void ipv6LiteralWithZoneIdConnectsAndSendsHostWithoutTheZone() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        NetworkInterface lo = NetworkInterface.getByInetAddress(loopback6);
        assumeTrue(lo != null, "no IPv6 loopback");
        try (ServerSocket fake6 = new ServerSocket(0, 50, loopback6)) {
            CompletableFuture<String> host = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket socket = fake6.accept(); RawPeer peer = RawPeer.of(socket)) {
                    RawPeer.Head request = peer.readHead();
                    peer.writeAscii(switchingProtocols(request));
                    host.complete(request.headers().first("Host").orElse(null));
                    peer.readFrame(); // the client's close
                } catch (Throwable e) {
                    host.completeExceptionally(e);
                }
            });
            int port = fake6.getLocalPort();
            WebSocketClient client = new WebSocketClient("ws://[::1%25" + lo.getName() + "]:" + port + "/fake",
                    Headers.empty(), OPTIONS);
            ConnectResult result = client.connect();
            assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
            assertEquals("[::1]:" + port, host.get(10, TimeUnit.SECONDS), "RFC 6874 §4: no zone ID on the wire");
            client.close();
        }
    }

    @Test
    void httpSchemeAndMissingHostAreInvalidUrlsReportedByConnect() {
        for (String bad : List.of("http://x", "ws://", "not a url", "ftp://127.0.0.1/")) {
            WebSocketClient client = new WebSocketClient(bad);
            assertFalse(client.isValid(), bad);
            ConnectResult result = client.connect();
            assertEquals(Outcome.INVALID_URL, result.outcome(), bad + ": " + result);
            assertFalse(result.isConnected());
        }
    }

    @Test
    void maskedFrameFromServerFailsClientWith1002SentToServer() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.writeAscii(switchingProtocols(request));
            peer.write(RawPeer.frame(true, 0, TEXT, RawPeer.utf8("masked by a server"), true));
            RawPeer.Frame close = peer.readFrame();
            assertEquals(CLOSE, close.opcode(), close.toString());
            assertEquals(1002, close.closeCode(), close.toString());
            assertTrue(close.masked(), "client frames must be masked");
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        assertTrue(client.connect().isConnected());
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.PROTOCOL_ERROR), client.closeStatus());
        assertFalse(client.isOpen());
        await(server);
    }

    static Stream<Arguments> serverViolations() {
        return Stream.of(
                Arguments.of(named("text that is not UTF-8",
                        RawPeer.frame(true, 0, TEXT, RawPeer.bytes(0xE2, 0x28, 0xA1), false)), 1007),
                Arguments.of(named("RSV2 set without an extension",
                        RawPeer.frame(true, 0x20, TEXT, RawPeer.utf8("x"), false)), 1002),
                Arguments.of(named("close frame carrying 1006",
                        RawPeer.frame(true, 0, CLOSE, RawPeer.closePayload(1006, ""), false)), 1002),
                Arguments.of(named("fragmented pong",
                        RawPeer.frame(false, 0, RawPeer.PONG, new byte[0], false)), 1002),
                Arguments.of(named("binary over the client's maxMessageSize",
                        RawPeer.frame(true, 0, RawPeer.BINARY, new byte[CLIENT_MAX_MESSAGE + 1], false)), 1009));
    }

    @ParameterizedTest(name = "server sending {0} gets close {1} from the client")
    @MethodSource("serverViolations")
    void serverViolationIsAnsweredWithMaskedCloseCarryingTheCode(byte[] wire, int expectedCode) throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.writeAscii(switchingProtocols(request));
            peer.write(wire);
            RawPeer.Frame close = peer.readFrame();
            assertEquals(CLOSE, close.opcode(), close.toString());
            assertEquals(expectedCode, close.closeCode(), close.toString());
            assertTrue(close.masked(), "client frames must be masked");
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(),
                OPTIONS.toBuilder().maxMessageSize(CLIENT_MAX_MESSAGE).build());
        assertTrue(client.connect().isConnected());
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.of(expectedCode)), client.closeStatus());
        await(server);
    }

    @Test
    void extensionTheClientDidNotOfferIsNegotiationFailed() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            assertFalse(request.headers().contains("Sec-WebSocket-Extensions"), "the client offers no extension");
            peer.writeAscii(switchingProtocols(request)
                    .replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"));
        });
        ConnectResult result = new WebSocketClient(url, Headers.empty(), OPTIONS).connect();
        assertEquals(Outcome.NEGOTIATION_FAILED, result.outcome(), result.toString());
        await(server);
    }

    @Test
    void clientMasksEveryFrameWithAFreshKeyAndKeepsMandatoryHeaders() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            Headers h = request.headers();
            assertEquals(List.of("websocket"), h.all("Upgrade"), "user headers must not replace Upgrade");
            assertEquals(List.of("13"), h.all("Sec-WebSocket-Version"));
            assertEquals(List.of("custom-agent"), h.all("User-Agent"), "user headers replace defaults");
            assertEquals(List.of("Bearer t0ken"), h.all("Authorization"));
            peer.writeAscii(switchingProtocols(request));
            RawPeer.Frame first = peer.readFrame();
            RawPeer.Frame second = peer.readFrame();
            for (RawPeer.Frame f : List.of(first, second)) {
                assertTrue(f.masked(), f.toString());
                assertEquals(TEXT, f.opcode());
                assertEquals("same message", f.text());
            }
            assertNotEquals(first.maskKey(), second.maskKey(), "two frames with the same mask key");
            RawPeer.Frame close = peer.readFrame();
            assertEquals(CLOSE, close.opcode());
            assertTrue(close.masked(), "the close frame must be masked too");
            assertEquals(1000, close.closeCode());
            peer.write(RawPeer.frame(true, 0, CLOSE, RawPeer.closePayload(1000, ""), false));
        });
        Headers headers = Headers.of("Upgrade", "h2c", "User-Agent", "custom-agent", "Authorization", "Bearer t0ken");
        WebSocketClient client = new WebSocketClient(url, headers, OPTIONS);
        assertTrue(client.connect().isConnected());
        assertTrue(client.send("same message"));
        assertTrue(client.send("same message"));
        client.close();
        assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
        await(server);
    }

    @Test
    void frameInTheSameWriteAsThe101IsDeliveredAndServerCloseIsAnswered() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.write(RawPeer.concat(switchingProtocols(request).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    RawPeer.frame(true, 0, TEXT, RawPeer.utf8("greeting"), false),
                    RawPeer.frame(true, 0, CLOSE, RawPeer.closePayload(1001, "going"), false)));
            RawPeer.Frame answer = peer.readFrame();
            assertEquals(CLOSE, answer.opcode());
            assertEquals(1001, answer.closeCode(), "the client echoes the server's code");
            assertTrue(answer.masked());
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        assertTrue(client.connect().isConnected());
        assertEquals(new Message.Text("greeting"), client.read());
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.GOING_AWAY), client.closeStatus());
        assertEquals(Optional.of("going"), client.closeReason());
        await(server);
    }

    @Test
    void subProtocolTheClientDidNotOfferIsNegotiationFailed() throws Exception {
        CompletableFuture<Void> server = serveOnce((peer, request) -> peer.writeAscii(
                switchingProtocols(request).replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: other\r\n\r\n")));
        ConnectResult result = new WebSocketClient(url, Headers.of("Sec-WebSocket-Protocol", "chat"), OPTIONS).connect();
        assertEquals(Outcome.NEGOTIATION_FAILED, result.outcome(), result.toString());
        await(server);
    }

    @Test
    void interimResponsesBeforeThe101AreSkipped() throws Exception {
        // RFC 9110 §15.2: a client MUST be able to parse 1xx responses before the final one.
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.write(RawPeer.concat(("HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + switchingProtocols(request)).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    RawPeer.frame(true, 0, TEXT, RawPeer.utf8("after the hints"), false)));
            assertEquals(CLOSE, peer.readFrame().opcode());
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
        assertEquals(new Message.Text("after the hints"), client.read());
        client.close();
        await(server);
    }

    @Test
    void foldedHeaderLineInThe101IsUnfolded() throws Exception {
        // RFC 9112 §5.2: a user agent MUST replace each obs-fold in a response with SP.
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.writeAscii(switchingProtocols(request).replace("Connection: Upgrade\r\n",
                    "Connection: keep-alive,\r\n\tUpgrade\r\n"));
            assertEquals(CLOSE, peer.readFrame().opcode());
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
        assertEquals(Optional.of("keep-alive, Upgrade"), result.headers().first("Connection"));
        client.close();
        await(server);
    }

    @Test
    void windowBitsWithALeadingZeroInTheDeflateAnswerIsNegotiationFailed() throws Exception {
        // RFC 7692 §7.1.2.1: "a decimal integer value without leading zeroes"; §7.1: an invalid value fails.
        CompletableFuture<Void> server = serveOnce((peer, request) -> peer.writeAscii(switchingProtocols(request)
                .replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; "
                        + "server_no_context_takeover; server_max_window_bits=08\r\n\r\n")));
        ConnectResult result = new WebSocketClient(url, Headers.empty(), OPTIONS.toBuilder().compression(true).build())
                .connect();
        assertEquals(Outcome.NEGOTIATION_FAILED, result.outcome(), result.toString());
        await(server);
    }

    @Test
    void closeReturnsWhenServerNeverAnswersTheCloseFrame() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.writeAscii(switchingProtocols(request));
            assertEquals(1000, peer.readFrame().closeCode());
            // Neither answer nor end the connection: the client's close timeout must end it.
            assertEquals(0, peer.readToEnd().length, "nothing after the close frame");
            testDone.await(10, TimeUnit.SECONDS);
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        assertTrue(client.connect().isConnected());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> client.close());
        assertFalse(client.isOpen());
        assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
        assertNull(client.read());
        testDone.countDown();
        await(server);
    }

    @Test
    void closeIsNotHeldBackByASendStuckOnAServerThatStoppedReading() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        CompletableFuture<Void> server = serveOnce((peer, request) -> {
            peer.writeAscii(switchingProtocols(request));
            testDone.await(20, TimeUnit.SECONDS); // reads nothing more, so the client's send blocks
        });
        WebSocketClient client = new WebSocketClient(url, Headers.empty(), OPTIONS); // write timeout 30 s
        assertTrue(client.connect().isConnected());
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        Thread sender = Thread.ofVirtual().start(() -> sent.complete(client.send(new byte[32 * 1024 * 1024])));
        try {
            assertTrue(Await.until(Duration.ofSeconds(10), () -> sender.getState() == Thread.State.WAITING),
                    "the send never blocked");
            Thread closer = Thread.ofVirtual().start(client::close);
            assertTrue(closer.join(Duration.ofSeconds(10)), "close() waited for the write timeout, not the close timeout");
            assertFalse(client.isOpen());
            assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
            assertFalse(sent.get(10, TimeUnit.SECONDS), "the stuck send fails once the connection is dropped");
        } finally {
            testDone.countDown();
        }
        await(server);
    }

    /** ConnectResult#httpStatus(): "0 if none was read"; a second connect() reads no response. */
    @Test
    void alreadyConnectedReportsNoHttpStatus() throws Exception {
        WebSocketServer echo = new WebSocketServer(OPTIONS);
        echo.webSocket("/echo", Started.ECHO);
        int port = echo.start("127.0.0.1", 0);
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), OPTIONS);
            assertEquals(Outcome.CONNECTED, client.connect().outcome());
            ConnectResult again = client.connect();
            assertEquals(Outcome.ALREADY_CONNECTED, again.outcome());
            assertTrue(again.isConnected());
            assertEquals(0, again.httpStatus(), again.toString());
            assertEquals(0, again.headers().size());
            client.close();
        } finally {
            echo.stop();
        }
    }

    @Test
    void connectAfterCloseOpensAFreshConnection() throws Exception {
        WebSocketServer echo = new WebSocketServer(OPTIONS);
        echo.webSocket("/echo", Started.ECHO);
        int port = echo.start("127.0.0.1", 0);
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), OPTIONS);
            assertEquals(Outcome.CONNECTED, client.connect().outcome());
            assertEquals(Outcome.ALREADY_CONNECTED, client.connect().outcome());
            var firstLocal = client.request().localAddress();
            assertTrue(client.send("one"));
            assertEquals(new Message.Text("one"), client.read());
            client.close();
            assertFalse(client.isOpen());
            assertNull(client.read());

            ConnectResult again = client.connect();
            assertEquals(Outcome.CONNECTED, again.outcome(), again.toString());
            assertTrue(client.isOpen());
            assertEquals(Optional.empty(), client.closeStatus(), "the new connection starts without a close status");
            assertNotEquals(firstLocal, client.request().localAddress(), "expected a new TCP connection");
            assertTrue(client.send("two"));
            assertEquals(new Message.Text("two"), client.read());
            client.close();
        } finally {
            echo.stop();
        }
    }
}
