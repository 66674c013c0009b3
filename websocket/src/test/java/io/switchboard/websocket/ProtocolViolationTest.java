package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CLOSE;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.PING;
import static io.switchboard.websocket.RawPeer.PONG;
import static io.switchboard.websocket.RawPeer.TEXT;
import static io.switchboard.websocket.RawPeer.bytes;
import static io.switchboard.websocket.RawPeer.closePayload;
import static io.switchboard.websocket.RawPeer.concat;
import static io.switchboard.websocket.RawPeer.frame;
import static io.switchboard.websocket.RawPeer.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A raw peer breaking RFC 6455 receives a close frame with the matching code before the server
 * ends the TCP connection, and the server goes on serving others.
 */
@Timeout(30)
class ProtocolViolationTest {

    private static final int MAX_MESSAGE = 1024;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500))
            .maxMessageSize(MAX_MESSAGE)
            .build();

    private static WebSocketServer server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = new WebSocketServer(OPTIONS);
        server.webSocket("/echo", Started.ECHO);
        port = server.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of(named("unmasked frame from a client",
                        frame(true, 0, TEXT, utf8("hi"), false)), 1002),
                Arguments.of(named("RSV1 set without an extension",
                        frame(true, 0x40, TEXT, utf8("hi"), true)), 1002),
                Arguments.of(named("RSV3 set on a control frame",
                        frame(true, 0x10, PING, utf8("hi"), true)), 1002),
                Arguments.of(named("reserved data opcode 0x3",
                        frame(true, 0, 0x3, utf8("hi"), true)), 1002),
                Arguments.of(named("reserved control opcode 0xB",
                        frame(true, 0, 0xB, new byte[0], true)), 1002),
                Arguments.of(named("ping of 126 bytes",
                        frame(true, 0, PING, new byte[126], true)), 1002),
                Arguments.of(named("fragmented ping",
                        frame(false, 0, PING, utf8("p"), true)), 1002),
                Arguments.of(named("continuation without a started message",
                        frame(true, 0, CONTINUATION, utf8("x"), true)), 1002),
                Arguments.of(named("new text frame inside a fragmented message",
                        concat(frame(false, 0, TEXT, utf8("a"), true), frame(true, 0, TEXT, utf8("b"), true))), 1002),
                Arguments.of(named("64-bit length with the top bit set",
                        bytes(0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4)), 1002),
                Arguments.of(named("text that is not UTF-8",
                        frame(true, 0, TEXT, bytes('o', 'k', 0xC3, 0x28), true)), 1007),
                Arguments.of(named("text ending inside a UTF-8 sequence across fragments",
                        concat(frame(false, 0, TEXT, bytes('a', 0xE2, 0x82), true),
                                frame(true, 0, CONTINUATION, new byte[0], true))), 1007),
                Arguments.of(named("UTF-16 surrogate encoded in text",
                        frame(true, 0, TEXT, bytes(0xED, 0xA0, 0x80), true)), 1007),
                Arguments.of(named("overlong encoding of '/' in text",
                        frame(true, 0, TEXT, bytes(0xC0, 0xAF), true)), 1007),
                Arguments.of(named("code point above U+10FFFF in text",
                        frame(true, 0, TEXT, bytes(0xF4, 0x90, 0x80, 0x80), true)), 1007),
                Arguments.of(named("invalid UTF-8 in the first fragment, before the rest is sent",
                        frame(false, 0, TEXT, bytes('a', 0xFF), true)), 1007),
                Arguments.of(named("close frame carrying 1005",
                        frame(true, 0, CLOSE, closePayload(1005, ""), true)), 1002),
                Arguments.of(named("close frame carrying 999",
                        frame(true, 0, CLOSE, closePayload(999, ""), true)), 1002),
                Arguments.of(named("close frame of 1 byte",
                        frame(true, 0, CLOSE, bytes(0x03), true)), 1002),
                Arguments.of(named("close reason that is not UTF-8",
                        frame(true, 0, CLOSE, concat(closePayload(1000, ""), bytes(0xFF)), true)), 1007),
                Arguments.of(named("binary message over maxMessageSize in one frame",
                        frame(true, 0, BINARY, new byte[MAX_MESSAGE + 1], true)), 1009),
                Arguments.of(named("frame header announcing 1 GiB, payload never sent",
                        bytes(0x82, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4)), 1009),
                Arguments.of(named("text message over maxMessageSize across fragments",
                        concat(frame(false, 0, TEXT, new byte[MAX_MESSAGE / 2], true),
                                frame(true, 0, CONTINUATION, new byte[MAX_MESSAGE / 2 + 1], true))), 1009));
    }

    @ParameterizedTest(name = "{0} is answered with close {1}")
    @MethodSource("violations")
    void violationIsAnsweredWithCloseCodeBeforeTcpEnds(byte[] wire, int expectedCode) throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.write(wire);
            RawPeer.Frame close = peer.expectCloseThenEnd(expectedCode);
            assertFalse(close.masked());
        }
        assertServerStillEchoes();
    }

    private static void assertServerStillEchoes() {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        try {
            assertTrue(client.send("still serving"));
            assertEquals(new Message.Text("still serving"), client.read());
        } finally {
            client.close();
        }
    }

    @Test
    void theViolationIsLoggedOnceWithThePlainCloseCode() throws Exception {
        try (LogCapture log = LogCapture.of(io.switchboard.websocket.internal.WebSocketSession.class);
                RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.write(frame(true, 0, BINARY, new byte[MAX_MESSAGE + 1], true));
            peer.expectCloseThenEnd(1009);
            List<String> closing = log.lines().stream().filter(l -> l.contains("closing")).toList();
            assertEquals(1, closing.size(), closing.toString());
            assertTrue(closing.get(0).contains("closing with 1009: "), closing.get(0));
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingIdenticalPayload() throws Exception {
        byte[] data = new byte[125];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.sendFrame(true, PING, data);
            RawPeer.Frame pong = peer.readFrame();
            assertEquals(PONG, pong.opcode());
            assertTrue(pong.fin());
            assertFalse(pong.masked());
            assertArrayEquals(data, pong.payload());

            peer.sendFrame(true, PING, new byte[0]);
            RawPeer.Frame emptyPong = peer.readFrame();
            assertEquals(PONG, emptyPong.opcode());
            assertEquals(0, emptyPong.payload().length);

            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void pingBetweenFragmentsIsAnsweredBeforeTheReassembledMessage() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.sendFrame(false, TEXT, utf8("Hel"));
            peer.sendFrame(true, PING, bytes(1, 2, 3));
            peer.sendFrame(true, CONTINUATION, utf8("lo"));

            RawPeer.Frame pong = peer.readFrame();
            assertEquals(PONG, pong.opcode());
            assertArrayEquals(bytes(1, 2, 3), pong.payload());
            RawPeer.Frame echo = peer.readFrame();
            assertEquals(TEXT, echo.opcode());
            assertEquals("Hello", echo.text());

            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void unsolicitedPongIsIgnored() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.sendFrame(true, PONG, utf8("unasked"));
            peer.sendText("after pong");
            RawPeer.Frame echo = peer.readFrame();
            assertEquals(TEXT, echo.opcode());
            assertEquals("after pong", echo.text());
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void validUtf8AtTheEdgesOfTheRangesIsAccepted() throws Exception {
        // U+0000, U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF
        byte[] edges = bytes(0x00, 0x7F, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF,
                0xEE, 0x80, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF);
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            // One byte per fragment: every sequence is split across frames.
            for (int i = 0; i < edges.length; i++) {
                peer.sendFrame(i == edges.length - 1, i == 0 ? TEXT : CONTINUATION, new byte[] {edges[i]});
            }
            RawPeer.Frame echo = peer.readFrame();
            assertEquals(TEXT, echo.opcode());
            assertArrayEquals(edges, echo.payload());
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void handshakeAndFirstFrameInOneWriteAreBothProcessed() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            byte[] head = RawPeer.upgradeRequest("GET", "/echo").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            peer.write(concat(head, frame(true, 0, TEXT, utf8("right behind the head"), true)));
            assertEquals(101, peer.readHead().status());
            assertEquals("right behind the head", peer.readFrame().text());
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void messageOfExactlyMaxMessageSizeIsAccepted() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.sendFrame(false, BINARY, new byte[MAX_MESSAGE - 1]);
            peer.sendFrame(true, CONTINUATION, new byte[1]);
            RawPeer.Frame echo = peer.readFrame();
            assertEquals(BINARY, echo.opcode());
            assertEquals(MAX_MESSAGE, echo.payload().length);
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }
}
