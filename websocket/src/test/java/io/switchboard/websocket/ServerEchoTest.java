package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.TEXT;
import static io.switchboard.websocket.RawPeer.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our server echoing to our client and to a raw peer, and what a handler sees of the request. */
@Timeout(30)
class ServerEchoTest {

    /** Messages up to 1 MiB in one frame: the length-encoding test reads single frames. */
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500)).fragmentSize(1024 * 1024).build();

    private WebSocketServer server;
    private int port;
    private WebSocketClient client;

    @BeforeEach
    void startServer() throws Exception {
        server = new WebSocketServer(OPTIONS);
        server.webSocket("/echo", Started.ECHO);
        server.webSocket("/info/room 1", (request, ws) -> {
            ws.send(describe(request));
            while (ws.read() != null) {
                // wait for the client's close
            }
        });
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        if (client != null) {
            client.close();
        }
        server.stop();
    }

    private static String describe(Request request) {
        return String.join("\n",
                request.method(),
                request.path(),
                request.rawQuery().orElse("-"),
                request.queryParameters().toString(),
                request.queryParameter("name").orElse("-"),
                request.header("x-custom-header").orElse("-"),
                request.header("X-CUSTOM-HEADER").orElse("-"),
                String.valueOf(request.headers().all("x-multi")),
                String.valueOf(request.remoteAddress()));
    }

    private WebSocketClient connectEcho() {
        client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertEquals(ConnectResult.Outcome.CONNECTED, result.outcome(), result.toString());
        return client;
    }

    @Test
    void echoesTextWithMultiByteCharacters() {
        WebSocketClient ws = connectEcho();
        String text = "Grüße, 世界 🎉";
        assertTrue(ws.send(text));
        assertEquals(new Message.Text(text), ws.read());
    }

    @Test
    void clientReachesAnIpv6LiteralHost() throws Exception {
        WebSocketServer v6 = new WebSocketServer(OPTIONS);
        v6.webSocket("/echo", (request, ws) -> {
            ws.send("host=" + request.header("Host").orElse("?"));
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        int v6port = v6.start("::1", 0);
        try {
            WebSocketClient c = new WebSocketClient("ws://[::1]:" + v6port + "/echo?x=1");
            ConnectResult result = c.connect();
            assertTrue(result.isConnected(), result.toString());
            assertEquals(Message.text("host=[::1]:" + v6port), c.read());
            assertTrue(c.send("over IPv6"));
            assertEquals(Message.text("over IPv6"), c.read());
            c.close();
        } finally {
            v6.stop();
        }
    }

    @Test
    void echoesBinary() {
        WebSocketClient ws = connectEcho();
        byte[] bytes = {0, 1, (byte) 0x80, (byte) 0xFF, 42};
        assertTrue(ws.send(bytes));
        Message.Binary reply = assertInstanceOf(Message.Binary.class, ws.read());
        assertArrayEquals(bytes, reply.bytes());
    }

    @Test
    void echoesEmptyTextAsText() {
        WebSocketClient ws = connectEcho();
        assertTrue(ws.send(""));
        assertEquals(new Message.Text(""), ws.read());
    }

    @Test
    void echoesEmptyBinaryAsBinary() {
        WebSocketClient ws = connectEcho();
        assertTrue(ws.send(new byte[0]));
        Message.Binary reply = assertInstanceOf(Message.Binary.class, ws.read());
        assertEquals(0, reply.length());
    }

    @Test
    void echoesTenMebibyteBinary() {
        WebSocketClient ws = connectEcho();
        byte[] bytes = new byte[10 * 1024 * 1024];
        new Random(6455).nextBytes(bytes);
        assertTrue(ws.send(bytes));
        Message.Binary reply = assertInstanceOf(Message.Binary.class, ws.read());
        assertEquals(bytes.length, reply.length());
        assertTrue(Arrays.equals(bytes, reply.bytes()), "10 MiB binary came back altered");
    }

    @Test
    void echoesTenMebibyteTextOfMultiByteCharacters() {
        WebSocketClient ws = connectEcho();
        // 1-, 2-, 3- and 4-byte sequences; chunk boundaries of reader and writer fall inside them.
        String unit = "aé€𝄞";
        String text = unit.repeat(10 * 1024 * 1024 / unit.getBytes(StandardCharsets.UTF_8).length + 1);
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length > 10 * 1024 * 1024);
        assertTrue(ws.send(text));
        Message.Text reply = assertInstanceOf(Message.Text.class, ws.read());
        assertEquals(text.length(), reply.text().length());
        assertTrue(text.equals(reply.text()), "10 MiB text came back altered");
    }

    @Test
    void reassemblesFragmentedMessagesFromARawPeer() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            // "é" (C3 A9) is split between the first and second fragment.
            byte[] text = utf8("fragmented é text");
            int split = "fragmented ".length() + 1;
            peer.sendFrame(false, TEXT, Arrays.copyOfRange(text, 0, split));
            peer.sendFrame(false, CONTINUATION, Arrays.copyOfRange(text, split, split + 3));
            peer.sendFrame(true, CONTINUATION, Arrays.copyOfRange(text, split + 3, text.length));
            RawPeer.Frame reply = peer.readFrame();
            assertEquals(TEXT, reply.opcode());
            assertTrue(reply.fin());
            assertFalse(reply.masked(), "server frames must not be masked");
            assertEquals("fragmented é text", reply.text());

            peer.sendFrame(false, BINARY, new byte[] {1, 2});
            peer.sendFrame(false, CONTINUATION, new byte[0]);
            peer.sendFrame(true, CONTINUATION, new byte[] {3});
            RawPeer.Frame binary = peer.readFrame();
            assertEquals(BINARY, binary.opcode());
            assertArrayEquals(new byte[] {1, 2, 3}, binary.payload());

            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void handlerSeesPathQueryHeadersAndRemoteAddressOfTheUpgradeRequest() {
        Headers headers = Headers.of("X-Custom-Header", "hello", "X-Multi", "one", "x-multi", "two");
        client = new WebSocketClient("ws://127.0.0.1:" + port + "/info/room%201?name=J%C3%BCrgen&x=1&x=2&flag",
                headers, OPTIONS);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        Message.Text seen = assertInstanceOf(Message.Text.class, client.read());
        String expected = String.join("\n",
                "GET",
                "/info/room 1",
                "name=J%C3%BCrgen&x=1&x=2&flag",
                "{name=[Jürgen], x=[1, 2], flag=[]}",
                "Jürgen",
                "hello",
                "hello",
                "[one, two]",
                String.valueOf(client.request().localAddress()));
        assertEquals(expected, seen.text());
    }

    @Test
    void pongToOurPingIsConsumedByRead() {
        WebSocketClient ws = connectEcho();
        assertTrue(ws.ping(RawPeer.utf8("are you there")));
        assertTrue(ws.send("after the ping"));
        assertEquals(new Message.Text("after the ping"), ws.read());
    }

    @Test
    void pingLongerThan125BytesIsRejectedLocally() {
        WebSocketClient ws = connectEcho();
        assertThrows(IllegalArgumentException.class, () -> ws.ping(new byte[126]));
        assertTrue(ws.isOpen());
    }

    @Test
    void byteBufferSendHonoursPositionAndLeavesItUnchanged() {
        WebSocketClient ws = connectEcho();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5}, 1, 4).slice();
        buffer.position(1);
        assertTrue(ws.send(buffer));
        assertEquals(1, buffer.position());
        assertArrayEquals(new byte[] {2, 3, 4}, assertInstanceOf(Message.Binary.class, ws.read()).bytes());

        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9}).flip();
        assertTrue(ws.send(direct.asReadOnlyBuffer()));
        assertArrayEquals(new byte[] {7, 8, 9}, assertInstanceOf(Message.Binary.class, ws.read()).bytes());
    }

    @Test
    void echoedFramesUseTheShortestLengthEncodingAtEveryBoundary() throws Exception {
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            for (int size : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) size);
                peer.sendFrame(true, BINARY, payload);
                RawPeer.Frame echo = peer.readFrame();
                assertArrayEquals(payload, echo.payload(), "payload of size " + size);
                int expectedHeader = size <= 125 ? 2 : size <= 65_535 ? 4 : 10;
                assertEquals(expectedHeader, echo.headerLength(), "header length for a payload of " + size);
            }
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }
}
