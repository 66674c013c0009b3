package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender whose thread has been interrupted (e.g. a cancelled broadcast task) fails its own send,
 * as it does while waiting for the outbound budget; the connection, shared by other threads, goes on.
 * Over a Unix-domain socket the transport is an interruptible channel, which an interrupted
 * writer would close.
 */
@Timeout(30)
class InterruptedSenderTest {

    private WebSocketServer server;
    private WebSocketClient client;

    @AfterEach
    void cleanUp() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anInterruptedSenderDoesNotCloseTheConnectionForEveryoneElse(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("sb.sock");
        server = new WebSocketServer(WebSocketOptions.builder().closeTimeout(Duration.ofMillis(500)).build())
                .webSocket("/ws", Started.ECHO);
        server.start(socket);
        client = new WebSocketClient("ws://switchboard.local/ws", Headers.empty(),
                WebSocketOptions.builder().unixSocket(socket).closeTimeout(Duration.ofMillis(500)).build());
        assertTrue(client.connect().isConnected());

        AtomicBoolean interruptedSend = new AtomicBoolean(true);
        Thread cancelled = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt(); // cancelled before it got to send
            interruptedSend.set(client.send("from a cancelled task"));
        });
        cancelled.start();
        assertTrue(cancelled.join(Duration.ofSeconds(10)));

        assertTrue(client.isOpen(), "the connection survived; the interrupted send returned " + interruptedSend.get());
        assertTrue(client.send("still here"));
        Message first = client.read();
        if (interruptedSend.get()) {
            assertEquals(Message.text("from a cancelled task"), first);
            first = client.read();
        }
        assertEquals(Message.text("still here"), first);
    }
}
