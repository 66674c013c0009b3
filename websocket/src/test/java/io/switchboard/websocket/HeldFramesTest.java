package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.websocket.internal.FrameReader;
import io.switchboard.websocket.internal.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies the reading thread sends while more of the peer's messages are already buffered are
 * held back so that a burst's replies leave together. Held frames must never change order,
 * must never wait for the handler's next read (a handler may work long between reads), and
 * must go out ahead of any other thread's frame.
 */
@Timeout(60)
class HeldFramesTest {

    private WebSocketServer server;
    private int port;
    private final CountDownLatch firstReplySeen = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = new WebSocketServer();
        server.webSocket("/echo", Started.ECHO);
        server.webSocket("/slow", (request, ws) -> {
            ws.read();
            ws.send("r1");
            // Works until the client has seen r1: held until the next read, it would never come.
            if (!firstReplySeen.await(30, TimeUnit.SECONDS)) {
                ws.send("r1 was held while the handler worked");
            }
            ws.read();
            ws.send("r2");
        });
        server.webSocket("/other-thread", (request, ws) -> {
            ws.read();
            ws.send("r1");
            Thread other = Thread.ofVirtual().start(() -> ws.send("from another thread"));
            other.join();
            ws.read();
            ws.send("r2");
        });
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** Client frames for {@code texts}, to be sent in one write so the server buffers them together. */
    private static byte[] burst(String... texts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(bytes, new Random(3));
        for (String text : texts) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            writer.writeFrame(0x1, true, b, 0, b.length);
        }
        return bytes.toByteArray();
    }

    private static FrameReader readerOf(RawClient client) {
        return new FrameReader(client.in, true, 1 << 20, new FrameReader.Callback() {
            @Override
            public void onPing(byte[] payload) {
            }

            @Override
            public void onPong(byte[] payload) {
            }

            @Override
            public void onClose(int code, String reason) {
            }
        });
    }

    private static String text(Message m) {
        return ((Message.Text) m).text();
    }

    @Test
    void aBurstIsEchoedWholeAndInOrder() throws Exception {
        String[] texts = new String[300];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "message " + i + " " + "x".repeat(i % 50);
        }
        try (RawClient client = RawClient.upgrade(port, "/echo")) {
            client.socket.getOutputStream().write(burst(texts));
            FrameReader reader = readerOf(client);
            for (String expected : texts) {
                assertEquals(expected, text(reader.readMessage()));
            }
        }
    }

    @Test
    void aHeldReplyLeavesWhileTheHandlerWorksBeforeItsNextRead() throws Exception {
        try (RawClient client = RawClient.upgrade(port, "/slow")) {
            client.socket.getOutputStream().write(burst("one", "two"));
            FrameReader reader = readerOf(client);
            assertEquals("r1", text(reader.readMessage())); // within the client's 10 s read timeout
            firstReplySeen.countDown();
            assertEquals("r2", text(reader.readMessage()));
        }
    }

    @Test
    void anotherThreadsFrameGoesAfterTheHeldOnes() throws Exception {
        try (RawClient client = RawClient.upgrade(port, "/other-thread")) {
            client.socket.getOutputStream().write(burst("one", "two"));
            FrameReader reader = readerOf(client);
            assertEquals("r1", text(reader.readMessage()));
            assertEquals("from another thread", text(reader.readMessage()));
            assertEquals("r2", text(reader.readMessage()));
            assertTrue(client.socket.isConnected());
        }
    }
}
