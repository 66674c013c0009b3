package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** awaitStop() stops the server when its thread is interrupted, and that stop completes. */
@Timeout(30)
class StopInterruptTest {

    private final WebSocketServer server = new WebSocketServer(WebSocketOptions.builder()
            .closeTimeout(Duration.ofSeconds(2)).build()).webSocket("/ws", Started.ECHO);
    private WebSocketClient client;

    @AfterEach
    void cleanUp() {
        if (client != null) {
            client.close();
        }
        server.stop();
    }

    @Test
    void interruptingAwaitStopWithALiveSessionStopsTheServerForGood() throws Exception {
        int port = server.start("127.0.0.1", 0);
        client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
        assertTrue(client.connect().isConnected()); // a connection thread for stop() to wait for
        CountDownLatch waiting = new CountDownLatch(1);
        Thread awaiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            server.awaitStop();
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        awaiter.interrupt();
        assertTrue(awaiter.join(Duration.ofSeconds(10)), "awaitStop() returned");

        assertFalse(server.isRunning(), "the interrupted awaitStop() stopped the server");
        assertEquals(-1, server.port());
        Thread other = Thread.ofVirtual().start(server::awaitStop);
        assertTrue(other.join(Duration.ofSeconds(10)), "other awaitStop() callers are released");
        int again = server.start("127.0.0.1", 0);
        assertTrue(again > 0, "the server can start again");
    }
}
