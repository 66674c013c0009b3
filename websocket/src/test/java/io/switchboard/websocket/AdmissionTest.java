package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.SubProtocolSelector;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who gets in: session limit, pre-upgrade hook, origins, per-path limits, sub-protocols, transports. */
@Timeout(30)
class AdmissionTest {

    private static final WebSocketHandler ECHO = Started.ECHO;

    private final Started started = new Started();

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private WebSocketServer server(WebSocketOptions options) {
        WebSocketServer server = new WebSocketServer(options);
        started.server(server);
        return server;
    }

    private WebSocketClient client(String url, Headers headers, WebSocketOptions options) {
        WebSocketClient client = new WebSocketClient(url, headers, options);
        started.client(client);
        return client;
    }

    private WebSocketClient client(int port, String path) {
        return client("ws://127.0.0.1:" + port + path, Headers.empty(), WebSocketOptions.defaults());
    }

    @Test
    void upgradesBeyondMaxSessionsGet503WithRetryAfter() throws Exception {
        WebSocketServer server = server(WebSocketOptions.builder().maxSessions(2).build()).webSocket("/ws", ECHO);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient first = client(port, "/ws");
        assertTrue(first.connect().isConnected());
        assertTrue(client(port, "/ws").connect().isConnected());
        ConnectResult third = client(port, "/ws").connect();
        assertEquals(Outcome.HANDSHAKE_REJECTED, third.outcome());
        assertEquals(503, third.httpStatus());
        assertEquals(Optional.of("1"), third.headers().first("Retry-After"));
        first.close();
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.sessionCount() == 1));
        assertTrue(client(port, "/ws").connect().isConnected(), "a freed slot admits again");
    }

    @Test
    void preUpgradeHookAnswers401AndTheClientSeesStatusAndHeaders() throws Exception {
        WebSocketServer server = server(WebSocketOptions.defaults()).webSocket("/ws", ECHO)
                .preUpgrade(request -> request.header("Authorization").isPresent()
                        ? Optional.empty()
                        : Optional.of(HttpResponse.of(401, "login first")
                                .withHeaders(Headers.of("WWW-Authenticate", "Bearer realm=\"switchboard\""))));
        int port = server.start("127.0.0.1", 0);
        ConnectResult refused = client(port, "/ws").connect();
        assertEquals(Outcome.HANDSHAKE_REJECTED, refused.outcome());
        assertEquals(401, refused.httpStatus());
        assertEquals(Optional.of("Bearer realm=\"switchboard\""), refused.headers().first("www-authenticate"));
        WebSocketClient allowed = client("ws://127.0.0.1:" + port + "/ws", Headers.of("Authorization", "Bearer t"),
                WebSocketOptions.defaults());
        assertTrue(allowed.connect().isConnected());
        assertTrue(allowed.send("hi"));
        assertEquals(Message.text("hi"), allowed.read());
    }

    @Test
    void forbiddenOriginGets403AndAllowedOrMissingOriginPasses() throws Exception {
        WebSocketServer server = server(WebSocketOptions.defaults()).webSocket("/ws", ECHO,
                RouteOptions.defaults().allowedOrigins(Set.of("https://good.example")));
        int port = server.start("127.0.0.1", 0);
        String url = "ws://127.0.0.1:" + port + "/ws";
        ConnectResult evil = client(url, Headers.of("Origin", "https://evil.example"), WebSocketOptions.defaults()).connect();
        assertEquals(403, evil.httpStatus());
        assertTrue(client(url, Headers.of("Origin", "https://good.example"), WebSocketOptions.defaults())
                .connect().isConnected());
        assertTrue(client(url, Headers.empty(), WebSocketOptions.defaults()).connect().isConnected());
    }

    @Test
    void maxMessageSizeCanBeSetPerPath() throws Exception {
        WebSocketServer server = server(WebSocketOptions.defaults())
                .webSocket("/small", ECHO, RouteOptions.defaults().maxMessageSize(10))
                .webSocket("/big", ECHO);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient small = client(port, "/small");
        assertTrue(small.connect().isConnected());
        assertTrue(small.send("0123456789"));
        assertEquals(Message.text("0123456789"), small.read());
        assertTrue(small.send("0123456789A"));
        assertNull(small.read());
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, small.closeStatus().orElseThrow());
        WebSocketClient big = client(port, "/big");
        assertTrue(big.connect().isConnected());
        assertTrue(big.send("0123456789A"));
        assertEquals(Message.text("0123456789A"), big.read());
    }

    @Test
    void subProtocolMatrix() throws Exception {
        WebSocketServer server = server(WebSocketOptions.defaults())
                .webSocket("/ws", ECHO, SubProtocolSelector.preferring(List.of("chat", "superchat")))
                .webSocket("/rogue", ECHO, offered -> Optional.of("never-offered"))
                .webSocket("/none", ECHO);
        int port = server.start("127.0.0.1", 0);
        String base = "ws://127.0.0.1:" + port;
        record Case(String path, List<String> offered, Optional<String> expected) {
        }
        for (Case c : List.of(
                new Case("/ws", List.of("superchat", "chat"), Optional.of("superchat")),
                new Case("/ws", List.of("chat"), Optional.of("chat")),
                new Case("/ws", List.of("other"), Optional.empty()),
                new Case("/ws", List.of(), Optional.empty()),
                new Case("/rogue", List.of("chat"), Optional.empty()),
                new Case("/none", List.of("chat"), Optional.empty()))) {
            WebSocketClient client = client(base + c.path(), Headers.empty(),
                    WebSocketOptions.builder().subProtocols(c.offered()).build());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), c + ": " + result);
            assertEquals(c.expected(), client.subProtocol(), c.toString());
            assertEquals(c.expected(), result.headers().first("Sec-WebSocket-Protocol"), c.toString());
        }
    }

    @Test
    void echoOverAUnixDomainSocketWithANormalHostHeader(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("sb.sock");
        WebSocketServer server = server(WebSocketOptions.defaults()).webSocket("/ws", (request, ws) -> {
            ws.send("host=" + request.header("Host").orElse("?"));
            ECHO.handle(request, ws);
        });
        server.start(socket);
        WebSocketClient client = client("ws://switchboard.local/ws", Headers.empty(),
                WebSocketOptions.builder().unixSocket(socket).build());
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        assertEquals(Message.text("host=switchboard.local"), client.read());
        assertTrue(client.send("over a path"));
        assertEquals(Message.text("over a path"), client.read());
        client.close();
        server.stop();
        assertFalse(socket.toFile().exists(), "stop removes the socket file");
    }

    @Test
    void connectAfterCloseReconnectsWithAFreshSession() throws Exception {
        WebSocketServer server = server(WebSocketOptions.defaults()).webSocket("/ws", ECHO);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient client = client(port, "/ws");
        for (int round = 0; round < 3; round++) {
            assertTrue(client.connect().isConnected(), "round " + round);
            assertTrue(client.send("round " + round));
            assertEquals(Message.text("round " + round), client.read());
            client.close();
            assertFalse(client.isOpen());
        }
    }

    /** Open file descriptors of this JVM (Linux), to see sockets leak. */
    private static long openFiles() throws IOException {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * stop() right after the client has its 101: the session is closed with 1001 like any other,
     * never dropped without a close frame as a connection still in its handshake would be.
     */
    @Test
    void stopJustAfterTheUpgradeClosesTheNewSessionWith1001() throws Exception {
        for (int i = 0; i < 100; i++) {
            WebSocketServer server = server(WebSocketOptions.builder().closeTimeout(Duration.ofSeconds(2)).build())
                    .webSocket("/ws", ECHO);
            WebSocketClient c = client(server.start("127.0.0.1", 0), "/ws");
            assertTrue(c.connect().isConnected());
            CompletableFuture<Message> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> read.complete(c.read())); // answers the close at once
            server.stop();
            assertNull(read.get(10, TimeUnit.SECONDS), "round " + i);
            assertEquals(Optional.of(CloseStatus.GOING_AWAY), c.closeStatus(), "round " + i);
        }
    }

    @Test
    void stopClosesLiveSessionsWith1001AndReleasesThePort() throws Exception {
        // One whole session first, so that descriptors the JDK opens once and keeps (the
        // virtual-thread I/O pollers, for one) are open before counting, whichever test runs first.
        WebSocketServer warmUp = server(WebSocketOptions.defaults()).webSocket("/ws", ECHO);
        WebSocketClient once = client(warmUp.start("127.0.0.1", 0), "/ws");
        assertTrue(once.connect().isConnected());
        assertTrue(once.send("warm"));
        assertEquals(new Message.Text("warm"), once.read());
        once.close();
        warmUp.stop();
        long filesBefore = openFiles();
        WebSocketServer server = server(WebSocketOptions.builder().closeTimeout(Duration.ofSeconds(2)).build())
                .webSocket("/ws", ECHO);
        int port = server.start("127.0.0.1", 0);
        List<WebSocketClient> live = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WebSocketClient c = client(port, "/ws");
            assertTrue(c.connect().isConnected());
            live.add(c);
            readers.add(Thread.ofVirtual().start(() -> {
                while (c.read() != null) {
                    // until the server closes
                }
            }));
        }
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.sessionCount() == 5));
        server.stop();
        for (Thread r : readers) {
            assertTrue(r.join(Duration.ofSeconds(10)), "every client saw the end");
        }
        for (WebSocketClient c : live) {
            assertEquals(CloseStatus.GOING_AWAY, c.closeStatus().orElseThrow());
        }
        assertEquals(0, server.sessionCount());
        assertFalse(server.isRunning());
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort(), "the port is free again");
        } catch (IOException e) {
            throw new AssertionError("port " + port + " still bound after stop", e);
        }
        assertEquals(Outcome.REFUSED, client(port, "/ws").connect().outcome());
        assertEquals(0, server.activeConnections(), "every connection thread ended");
        // Every socket of the server and of the five clients is closed again (a little slack
        // for descriptors the JVM opens on its own, e.g. for class loading).
        assertTrue(Await.until(Duration.ofSeconds(10), () -> {
            try {
                return openFiles() <= filesBefore + 2;
            } catch (IOException e) {
                return false;
            }
        }), "file descriptors back to " + filesBefore + ", now " + openFiles());
    }
}
