package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CLOSE;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.PING;
import static io.switchboard.websocket.RawPeer.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.Descriptors;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One hostile peer never hurts anyone else: the server-wide inbound memory budget, the
 * control-frame rate, per-address caps, the descriptor reserve and the quiet log. Each test
 * keeps a bystander session echoing while the attack goes on.
 */
@Timeout(60)
class ProtectionTest {

    private static final int KIB = 1024;

    private final Started started = new Started();

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private int start(WebSocketOptions options) throws Exception {
        return start(new WebSocketServer(options));
    }

    private int start(WebSocketServer server) throws Exception {
        started.server(server.webSocket("/echo", Started.ECHO));
        return server.start("127.0.0.1", 0);
    }

    private WebSocketClient connected(int port) {
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/echo"));
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        return client;
    }

    private static void assertEchoes(WebSocketClient bystander, String text) {
        assertTrue(bystander.send(text));
        assertEquals(Message.text(text), bystander.read());
    }

    @Test
    void unfinishedMessagesBeyondTheInboundBudgetCloseOnlyTheSessionThatNeedsMoreWith1013() throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder()
                .maxInboundMemory(1024 * KIB).maxMessageSize(16 * 1024 * KIB).build());
        int port = start(server);
        WebSocketClient bystander = connected(port);
        byte[] part = new byte[600 * KIB];
        Arrays.fill(part, (byte) 7);
        try (RawPeer holder = RawPeer.upgrade(port, "/echo"); RawPeer greedy = RawPeer.upgrade(port, "/echo")) {
            holder.write(frame(false, 0, BINARY, part, true)); // first fragment, message left open
            assertTrue(Await.until(Duration.ofSeconds(10), () -> server.inboundMemoryInUse() >= part.length),
                    "the open message is counted: " + server.inboundMemoryInUse());
            greedy.write(frame(false, 0, BINARY, part, true));
            greedy.expectCloseThenEnd(1013);
            assertEchoes(bystander, "unaffected");

            holder.write(frame(true, 0, CONTINUATION, new byte[] {1}, true));
            RawPeer.Frame echo = holder.readFrame();
            assertEquals(BINARY, echo.opcode());
            long echoed = echo.payload().length;
            while (!echo.fin()) {
                echo = holder.readFrame(); // sent in fragments
                echoed += echo.payload().length;
            }
            assertEquals(part.length + 1, echoed, "the holder's message completes");
            holder.sendClose(1000, "");
            holder.expectCloseThenEnd(1000);
        }
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.inboundMemoryInUse() == 0),
                "everything given back once the sessions ended: " + server.inboundMemoryInUse());
    }

    @Test
    void aSmallCompressedFragmentThatInflatesPastTheBudgetClosesWith1013() throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().compression(true)
                .maxInboundMemory(1024 * KIB).maxMessageSize(16 * 1024 * KIB).build());
        int port = start(server);
        WebSocketClient bystander = connected(port);
        byte[] bomb = deflateRaw(new byte[8 * 1024 * KIB]); // 8 MiB of zeros: a few KiB on the wire
        assertTrue(bomb.length < 64 * KIB, "compressed size " + bomb.length);
        try (RawPeer attacker = RawPeer.connect(port)) {
            attacker.writeAscii(RawPeer.upgradeRequest("GET", "/echo", "Sec-WebSocket-Extensions: permessage-deflate"));
            assertEquals(101, attacker.readHead().status());
            attacker.write(frame(false, 0x40, BINARY, bomb, true)); // RSV1: compressed, never finished
            attacker.expectCloseThenEnd(1013);
        }
        assertEchoes(bystander, "unaffected");
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.inboundMemoryInUse() < 64 * KIB),
                "the attacker's buffers are given back: " + server.inboundMemoryInUse());
    }

    @Test
    void aPeerFloodingPingsIsClosedWith1008() throws Exception {
        int port = start(WebSocketOptions.builder().controlFrameRate(10).build());
        WebSocketClient bystander = connected(port);
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            flood.writeBytes(frame(true, 0, PING, new byte[] {(byte) i}, true));
        }
        try (RawPeer attacker = RawPeer.upgrade(port, "/echo")) {
            attacker.write(flood.toByteArray());
            RawPeer.Frame frame;
            int pongs = 0;
            while ((frame = attacker.readFrame()).opcode() != CLOSE) {
                pongs++;
                assertTrue(pongs <= 200, "pongs only until the close");
            }
            assertEquals(1008, frame.closeCode(), frame.closeReason());
            attacker.expectEnd();
        }
        assertEchoes(bystander, "unaffected");
    }

    @Test
    void aPeerThatKeepsFloodingAfterItsCloseIsCutOffAfterAFewMegabytesNotAfterTheCloseTimeout() throws Exception {
        int port = start(WebSocketOptions.builder().controlFrameRate(10).closeTimeout(Duration.ofSeconds(30)).build());
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        while (burst.size() < 64 * KIB) {
            burst.writeBytes(frame(true, 0, PING, new byte[] {1}, true));
        }
        byte[] flood = burst.toByteArray();
        long limit = 256L * 1024 * KIB;
        long written = 0;
        try (RawPeer attacker = RawPeer.upgrade(port, "/echo")) {
            attacker.write(flood);
            RawPeer.Frame frame;
            while ((frame = attacker.readFrame()).opcode() != CLOSE) {
                // pongs within the burst allowance
            }
            assertEquals(1008, frame.closeCode());
            try {
                while (written < limit) { // the server half-closed and lingers; keep flooding
                    attacker.write(flood);
                    written += flood.length;
                }
            } catch (java.io.IOException e) {
                // the server dropped the connection: what we want
            }
        }
        assertTrue(written < limit, "the server read and discarded " + written + " bytes after its close frame");
    }

    @Test
    void pingsWithinTheRateAreAllAnswered() throws Exception {
        int port = start(WebSocketOptions.defaults());
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            for (int i = 0; i < 20; i++) {
                peer.sendFrame(true, PING, new byte[] {(byte) i});
                RawPeer.Frame pong = peer.readFrame();
                assertArrayEquals(new byte[] {(byte) i}, pong.payload());
            }
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void connectionsBeyondThePerAddressCapGet429WithRetryAfter() throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().maxConnectionsPerAddress(2).build());
        int port = start(server);
        WebSocketClient first = connected(port);
        connected(port);
        ConnectResult third = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/echo")).connect();
        assertEquals(Outcome.HANDSHAKE_REJECTED, third.outcome(), third.toString());
        assertEquals(429, third.httpStatus());
        assertTrue(third.headers().first("Retry-After").isPresent(), third.headers().toString());
        first.close();
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.sessionCount() == 1));
        assertTrue(Await.until(Duration.ofSeconds(10), () -> started.client(
                new WebSocketClient("ws://127.0.0.1:" + port + "/echo")).connect().isConnected()), "a freed slot admits again");
    }

    @Test
    void handshakesFasterThanThePerAddressRateGet429() throws Exception {
        int port = start(WebSocketOptions.builder().maxHandshakesPerSecondPerAddress(1).build()); // bursts of 2
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            ConnectResult result = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/echo")).connect();
            if (!result.isConnected()) {
                assertEquals(429, result.httpStatus(), result.toString());
                assertTrue(result.headers().first("Retry-After").isPresent());
                refused++;
            }
        }
        assertTrue(refused >= 1, "6 handshakes at once from one address, 2 allowed at once");
    }

    @Test
    void upgradesGet503WithRetryAfterWhileDescriptorsAreShortAndAdmitAgainAfter() throws Exception {
        AtomicLong open = new AtomicLong(990);
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().descriptorReserve(64).build());
        server.descriptors(new Descriptors.Source() {
            @Override
            public long limit() {
                return 1000;
            }

            @Override
            public long open() {
                return open.get();
            }
        });
        int port = start(server);
        ConnectResult refused = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/echo")).connect();
        assertEquals(503, refused.httpStatus(), refused.toString());
        assertEquals(Optional.of("1"), refused.headers().first("Retry-After"));
        open.set(100);
        assertTrue(Await.until(Duration.ofSeconds(10), () -> started.client(
                new WebSocketClient("ws://127.0.0.1:" + port + "/echo")).connect().isConnected()), "admitted once descriptors are free");
    }

    @Test
    void rejectedHandshakesAndProtocolClosesLogNothingAtInfoOneByOne() throws Exception {
        int port = start(WebSocketOptions.defaults());
        try (LogCapture server = LogCapture.of(WebSocketServer.class);
                LogCapture session = LogCapture.of(io.switchboard.websocket.internal.WebSocketSession.class)) {
            for (int i = 0; i < 20; i++) {
                try (RawPeer bad = RawPeer.connect(port)) {
                    bad.writeAscii("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); // no upgrade: 426
                    assertEquals(426, bad.readHead().status());
                }
                try (RawPeer violator = RawPeer.upgrade(port, "/echo")) {
                    violator.write(frame(true, 0, BINARY, new byte[1], false)); // unmasked: 1002
                    violator.expectCloseThenEnd(1002);
                }
            }
            assertEquals(List.of(), server.linesAt(java.util.logging.Level.INFO));
            assertEquals(List.of(), session.linesAt(java.util.logging.Level.INFO));
            assertTrue(server.lines().stream().anyMatch(l -> l.contains("upgrade refused with 426")), "still at DEBUG");
        }
    }

    @Test
    void refusedPlainHttpRequestsLogNothingAtInfoOneByOne() throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.defaults());
        server.get("/page", request -> io.switchboard.api.Response.text(200, "hello"));
        int port = start(server);
        try (LogCapture http = LogCapture.of(io.switchboard.websocket.internal.HttpRequestLoop.class)) {
            for (int i = 0; i < 20; i++) {
                try (RawPeer bad = RawPeer.connect(port)) {
                    bad.writeAscii("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertEquals(200, bad.readHead().status());
                    bad.readBytes(5); // "hello"
                    assertEquals(405, bad.readHead().status());
                }
            }
            assertEquals(List.of(), http.linesAt(java.util.logging.Level.INFO));
            assertTrue(http.lines().stream().anyMatch(l -> l.contains("refused with 405")), "still at DEBUG");
        }
    }

    private static byte[] deflateRaw(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * KIB];
        while (true) {
            int n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
            if (n < buffer.length) {
                break;
            }
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4); // RFC 7692 §7.2.1: drop the 00 00 FF FF tail
    }

    static Headers none() {
        return Headers.empty();
    }
}
