package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our client against a Jetty 12 WebSocket echo server. */
@Timeout(30)
class JettyServerInteropTest {

    private static final int MAX_MESSAGE = 2 * 1024 * 1024;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500)).build();

    /** A close as Jetty's endpoint saw it. */
    private record Closing(int code, String reason) {
    }

    /**
     * Echoes every message; on text {@code "close <code>"} closes with that code instead. Public,
     * because Jetty binds listener methods through a public method lookup.
     */
    public static final class JettyEcho extends Session.Listener.AbstractAutoDemanding {
        private final CompletableFuture<Closing> closed;

        JettyEcho(CompletableFuture<Closing> closed) {
            this.closed = closed;
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.startsWith("close ")) {
                getSession().close(Integer.parseInt(message.substring(6)), "jetty says bye", Callback.NOOP);
            } else if (message.equals("fragments")) {
                getSession().sendPartialText("frag", false, Callback.from(
                        () -> getSession().sendPartialText("-ment-é", true, Callback.NOOP), closed::completeExceptionally));
            } else if (message.equals("ping me")) {
                getSession().sendPing(ByteBuffer.wrap(new byte[] {'j', 'p', 0, -1}), Callback.NOOP);
            } else {
                getSession().sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            getSession().sendBinary(payload, callback);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            getSession().sendText("pong " + java.util.HexFormat.of().formatHex(bytes), Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed.complete(new Closing(statusCode, reason));
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closed.completeExceptionally(cause);
        }
    }

    private Server jetty;
    private String url;
    private final CompletableFuture<Closing> jettySaw = new CompletableFuture<>();
    private WebSocketClient client;

    @BeforeEach
    void startJetty() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("jetty");
        jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setMaxFrameSize(MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofSeconds(30));
            container.addMapping("/echo", (request, response, callback) -> new JettyEcho(jettySaw));
        }));
        jetty.start();
        url = "ws://127.0.0.1:" + connector.getLocalPort() + "/echo";
        client = new WebSocketClient(url, Headers.empty(), OPTIONS);
        ConnectResult result = client.connect();
        assertEquals(ConnectResult.Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @AfterEach
    void stopJetty() throws Exception {
        client.close();
        jetty.stop();
    }

    @Test
    void jettyEchoesTextAndBinary() {
        assertTrue(client.send("hello Jetty, grüß dich"));
        assertEquals(new Message.Text("hello Jetty, grüß dich"), client.read());
        assertTrue(client.send(new byte[] {9, 8, 7, 0, -1}));
        assertArrayEquals(new byte[] {9, 8, 7, 0, -1}, assertInstanceOf(Message.Binary.class, client.read()).bytes());
        assertTrue(client.send(""));
        assertEquals(new Message.Text(""), client.read());
    }

    @Test
    void jettyEchoesOneMebibyteMessages() {
        byte[] bytes = new byte[1024 * 1024];
        new Random(12).nextBytes(bytes);
        assertTrue(client.send(bytes));
        assertArrayEquals(bytes, assertInstanceOf(Message.Binary.class, client.read()).bytes());

        String text = "ü€𝄞x".repeat(1024 * 1024 / 10);
        assertTrue(client.send(text));
        assertEquals(new Message.Text(text), client.read());
    }

    @Test
    void fragmentedTextFromJettyIsReassembled() {
        assertTrue(client.send("fragments"));
        assertEquals(new Message.Text("frag-ment-é"), client.read());
    }

    @Test
    void pingFromJettyIsAnsweredWithIdenticalPong() {
        assertTrue(client.send("ping me"));
        assertEquals(new Message.Text("pong 6a7000ff"), client.read());
    }

    @Test
    void jettySeesCloseCodeAndReasonFromOurClient() throws Exception {
        assertTrue(client.send("ping-pong first"));
        assertEquals(new Message.Text("ping-pong first"), client.read());
        client.close(CloseStatus.of(4004), "switchboard leaving");
        assertEquals(new Closing(4004, "switchboard leaving"), jettySaw.get(5, TimeUnit.SECONDS));
        assertEquals(Optional.of(CloseStatus.of(4004)), client.closeStatus());
        assertFalse(client.isOpen());
    }

    @Test
    void ourClientSeesCloseCodeAndReasonFromJetty() throws Exception {
        assertTrue(client.send("close 4003"));
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.of(4003)), client.closeStatus());
        assertEquals(Optional.of("jetty says bye"), client.closeReason());
        assertEquals(4003, jettySaw.get(5, TimeUnit.SECONDS).code(), "Jetty got our echo of its close");
    }
}
