package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server hooks and handlers that misbehave: the server answers sensibly and keeps serving. */
@Timeout(30)
class ServerHooksTest {

    private static final WebSocketHandler ECHO = Started.ECHO;

    private final Started started = new Started();

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private WebSocketServer server() {
        WebSocketServer server = new WebSocketServer();
        started.server(server);
        return server;
    }

    private WebSocketClient client(int port, String path, Headers headers, List<String> protocols) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + path, headers,
                WebSocketOptions.builder().subProtocols(protocols).build());
        started.client(client);
        return client;
    }

    private WebSocketClient client(int port, String path) {
        return client(port, path, Headers.empty(), List.of());
    }

    @Test
    void aSelectorThatThrowsAnswers500AndTheServerKeepsServing() throws Exception {
        WebSocketServer server = server()
                .webSocket("/bad", ECHO, offered -> {
                    throw new IllegalStateException("selector bug");
                })
                .webSocket("/ok", ECHO);
        int port = server.start("127.0.0.1", 0);
        try (LogCapture log = LogCapture.of(WebSocketServer.class)) {
            ConnectResult result = client(port, "/bad", Headers.empty(), List.of("chat")).connect();
            assertEquals(Outcome.HANDSHAKE_REJECTED, result.outcome(), result.toString());
            assertEquals(500, result.httpStatus());
            assertFalse(result.message().contains("selector bug"), result.message());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("sub-protocol selector failed")), log.lines().toString());
        }
        WebSocketClient ok = client(port, "/ok");
        assertTrue(ok.connect().isConnected(), "still serving");
        assertTrue(ok.send("hi"));
        assertEquals(Message.text("hi"), ok.read());
    }

    @Test
    void aSelectorReturningNullSelectsNone() throws Exception {
        WebSocketServer server = server().webSocket("/ws", ECHO, offered -> null);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = client(port, "/ws", Headers.empty(), List.of("chat"));
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        assertEquals(Optional.empty(), client.subProtocol());
    }

    @Test
    void aHookThatThrowsAnswers500WithoutItsMessage() throws Exception {
        WebSocketServer server = server().webSocket("/ws", ECHO).preUpgrade(request -> {
            throw new IllegalStateException("hook secret");
        });
        int port = server.start("127.0.0.1", 0);
        ConnectResult result = client(port, "/ws").connect();
        assertEquals(500, result.httpStatus());
        assertFalse(result.message().contains("hook secret"), result.message());
        server.preUpgrade(null);
        assertTrue(client(port, "/ws").connect().isConnected());
    }

    @Test
    void aHookReturningNullLetsTheUpgradeProceed() throws Exception {
        WebSocketServer server = server().webSocket("/ws", ECHO).preUpgrade(request -> null);
        int port = server.start("127.0.0.1", 0);
        ConnectResult result = client(port, "/ws").connect();
        assertTrue(result.isConnected(), result.toString());
    }

    @Test
    void theNullOriginIsRefusedUnlessListed() throws Exception {
        WebSocketServer server = server()
                .webSocket("/strict", ECHO, RouteOptions.defaults().allowedOrigins(Set.of("https://good.example")))
                .webSocket("/files", ECHO, RouteOptions.defaults().allowedOrigins(Set.of("null")));
        int port = server.start("127.0.0.1", 0);
        assertEquals(403, client(port, "/strict", Headers.of("Origin", "null"), List.of()).connect().httpStatus());
        assertTrue(client(port, "/files", Headers.of("Origin", "null"), List.of()).connect().isConnected());
    }

    @Test
    void aHandlerThatReturnsAtOnceClosesWith1000() throws Exception {
        WebSocketServer server = server().webSocket("/ws", (request, ws) -> { });
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = client(port, "/ws");
        assertTrue(client.connect().isConnected());
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.NORMAL), client.closeStatus());
    }

    @Test
    void aHandlerThatThrowsAfterSendingCloses1011AfterItsMessages() throws Exception {
        WebSocketServer server = server().webSocket("/ws", (request, ws) -> {
            for (int i = 0; i < 100; i++) {
                ws.send("m" + i);
            }
            throw new IllegalStateException("handler bug");
        });
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = client(port, "/ws");
        assertTrue(client.connect().isConnected());
        for (int i = 0; i < 100; i++) {
            assertEquals(Message.text("m" + i), client.read());
        }
        assertNull(client.read());
        assertEquals(Optional.of(CloseStatus.INTERNAL_ERROR), client.closeStatus());
    }

    @Test
    void sendAfterCloseReturnsFalse() throws Exception {
        CompletableFuture<List<Boolean>> sends = new CompletableFuture<>();
        WebSocketServer server = server().webSocket("/ws", (request, ws) -> {
            ws.close(CloseStatus.NORMAL, "bye");
            List<Boolean> r = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    r.add(ws.send("late"));
                    r.add(ws.send(new byte[] {1}));
                }
                sends.complete(r);
            } catch (Throwable t) {
                sends.completeExceptionally(t);
            }
        });
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = client(port, "/ws");
        assertTrue(client.connect().isConnected());
        assertNull(client.read());
        assertEquals(List.of(false, false, false, false, false, false), sends.get(10, TimeUnit.SECONDS));
    }

    @Test
    void perPathLimitLargerThanTheServers() throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().maxMessageSize(10).build())
                .webSocket("/big", ECHO, RouteOptions.defaults().maxMessageSize(100)).webSocket("/def", ECHO);
        started.server(server);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient big = client(port, "/big");
        assertTrue(big.connect().isConnected());
        assertTrue(big.send("x".repeat(50)));
        assertEquals(Message.text("x".repeat(50)), big.read());
        WebSocketClient def = client(port, "/def");
        assertTrue(def.connect().isConnected());
        assertTrue(def.send("x".repeat(50)));
        assertNull(def.read());
        assertEquals(Optional.of(CloseStatus.MESSAGE_TOO_BIG), def.closeStatus());
    }
}
