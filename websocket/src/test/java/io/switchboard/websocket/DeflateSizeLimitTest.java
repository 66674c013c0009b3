package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A compressed message whose payload fits the size limit is accepted even when deflate made it
 * larger: incompressible data grows by about 5 bytes per 16 KiB block, so a frame of a message
 * of several MiB is a few KiB longer than the message itself.
 */
@Timeout(60)
class DeflateSizeLimitTest {

    private static final int LIMIT = 4 * 1024 * 1024;
    private static final WebSocketOptions DEFLATE = WebSocketOptions.builder().compression(true)
            .maxMessageSize(LIMIT).closeTimeout(Duration.ofMillis(500)).build();

    private WebSocketServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new WebSocketServer(DEFLATE).webSocket("/echo", Started.ECHO);
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void anIncompressibleMessageOfExactlyTheLimitIsEchoedBothWays() {
        byte[] data = new byte[LIMIT];
        new Random(7).nextBytes(data); // deflate cannot shrink it, only wrap it in stored blocks
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), DEFLATE);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        assertTrue(client.send(data));
        Message echo = client.read();
        assertEquals(new Message.Binary(data), echo, "closed with " + client.closeStatus() + " " + client.closeReason());
        client.close();
        assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
    }
}
