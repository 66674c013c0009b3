package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CLOSE;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.PING;
import static io.switchboard.websocket.RawPeer.PONG;
import static io.switchboard.websocket.RawPeer.TEXT;
import static io.switchboard.websocket.RawPeer.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every ping answered in order, UTF-8 checked per TCP piece, large messages sent as fragments
 * with control frames between them.
 */
@Timeout(60)
class ProtocolDepthTest {

    private final Started started = new Started();

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private int echoServer(WebSocketOptions options) throws Exception {
        WebSocketServer server = started.server(new WebSocketServer(options).webSocket("/echo", Started.ECHO));
        return server.start("127.0.0.1", 0);
    }

    @Test
    void aBurstOf100PingsGets100PongsInOrder() throws Exception {
        int port = echoServer(WebSocketOptions.defaults());
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            burst.writeBytes(frame(true, 0, PING, new byte[] {(byte) i}, true));
        }
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            peer.write(burst.toByteArray()); // one write: the server reads them back to back
            for (int i = 0; i < 100; i++) {
                RawPeer.Frame pong = peer.readFrame();
                assertEquals(PONG, pong.opcode(), "frame " + i);
                assertArrayEquals(new byte[] {(byte) i}, pong.payload(), "pong " + i + " answers ping " + i);
            }
            peer.sendClose(1000, "");
            peer.expectCloseThenEnd(1000);
        }
    }

    @Test
    void aBurstOf100PingsFromNodeWsGets100PongsInOrder() throws Exception {
        NodeWsInteropTest.installPeer();
        int port = echoServer(WebSocketOptions.defaults());
        Process node = NodeWsInteropTest.script("pings.mjs", "ws://127.0.0.1:" + port + "/echo", "100");
        try {
            BlockingQueue<String> lines = NodeWsInteropTest.lines(node);
            assertEquals("pongs 100 in order", lines.poll(30, TimeUnit.SECONDS));
        } finally {
            node.destroyForcibly();
        }
    }

    @Test
    void aBadByteInTheSecondPieceOfAFrameClosesWith1007BeforeTheThirdIsSent() throws Exception {
        int port = echoServer(WebSocketOptions.defaults());
        byte[] payload = new byte[3000];
        Arrays.fill(payload, (byte) 'a');
        payload[1500] = (byte) 0xFF; // never valid in UTF-8
        byte[] whole = frame(true, 0, TEXT, payload, true);
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            int header = whole.length - payload.length;
            peer.write(Arrays.copyOfRange(whole, 0, header + 1000)); // piece 1: valid
            peer.write(Arrays.copyOfRange(whole, header + 1000, header + 2000)); // piece 2: holds 0xFF
            RawPeer.Frame close = peer.readFrame(); // piece 3 is never sent
            assertEquals(CLOSE, close.opcode());
            assertEquals(1007, close.closeCode(), close.closeReason());
        }
    }

    @Test
    void messagesLongerThanTheFragmentSizeGoOutAsFragmentsAndArriveWhole() throws Exception {
        WebSocketServer server = started.server(new WebSocketServer(
                WebSocketOptions.builder().fragmentSize(1000).build()).webSocket("/big", (request, ws) -> {
                    ws.send("x".repeat(2500));
                    ws.read();
                }));
        int port = server.start("127.0.0.1", 0);
        try (RawPeer peer = RawPeer.upgrade(port, "/big")) {
            RawPeer.Frame first = peer.readFrame();
            RawPeer.Frame second = peer.readFrame();
            RawPeer.Frame third = peer.readFrame();
            assertEquals(TEXT, first.opcode());
            assertFalse(first.fin());
            assertEquals(1000, first.payload().length);
            assertEquals(CONTINUATION, second.opcode());
            assertFalse(second.fin());
            assertEquals(CONTINUATION, third.opcode());
            assertTrue(third.fin());
            assertEquals(500, third.payload().length);
        }
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/big"));
        assertTrue(client.connect().isConnected());
        assertEquals(Message.text("x".repeat(2500)), client.read(), "the client reassembles it");
    }

    @Test
    void aPongGoesOutBetweenTheFragmentsOfALargeSendFromAnotherThread() throws Exception {
        int size = 32 * 1024 * 1024; // far beyond what loopback socket buffers hold
        WebSocketServer server = started.server(new WebSocketServer(
                WebSocketOptions.builder().fragmentSize(64 * 1024).build()).webSocket("/big", (request, ws) -> {
                    Thread.ofVirtual().start(() -> ws.send(new byte[size])); // a broadcast, say
                    while (ws.read() != null) {
                        // the handler keeps reading, so pings are read while the send goes on
                    }
                }));
        int port = server.start("127.0.0.1", 0);
        try (RawPeer peer = RawPeer.upgrade(port, "/big")) {
            RawPeer.Frame first = peer.readFrame();
            assertEquals(BINARY, first.opcode());
            peer.sendFrame(true, PING, "mid".getBytes(StandardCharsets.UTF_8));
            long received = first.payload().length;
            boolean pongBeforeTheEnd = false;
            while (true) {
                RawPeer.Frame f = peer.readFrame();
                if (f.opcode() == PONG) {
                    assertArrayEquals("mid".getBytes(StandardCharsets.UTF_8), f.payload());
                    pongBeforeTheEnd = received < size;
                    continue;
                }
                assertEquals(CONTINUATION, f.opcode());
                received += f.payload().length;
                if (f.fin()) {
                    break;
                }
            }
            assertEquals(size, received);
            assertTrue(pongBeforeTheEnd, "the pong interleaves with the fragments instead of waiting for the message");
        }
    }
}
