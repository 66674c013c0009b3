package io.switchboard.websocket;

import static io.switchboard.websocket.Started.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions of a handler that is no longer routed end after the drain timeout, however the handler went. */
@Timeout(30)
class RouteDrainTest {

    /** Short enough for a test, far below the read bound below. */
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .drainTimeout(Duration.ofMillis(100))
            .handoverGrace(Duration.ZERO)
            .closeTimeout(Duration.ofSeconds(2))
            .build();

    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WebSocketClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        clients.forEach(WebSocketClient::close);
        servers.forEach(WebSocketServer::stop);
    }

    private WebSocketClient client(int port) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/p");
        clients.add(client);
        return client;
    }

    /** Reads on a virtual thread; null means the connection ended. Fails if nothing happens within 10 s. */
    private static Message readWithin10s(WebSocketClient client) throws Exception {
        CompletableFuture<Message> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> read.complete(client.read()));
        return read.get(10, TimeUnit.SECONDS);
    }

    @Test
    void sessionsOfAHandlerReplacedByWebSocketAreClosedWith1012AfterTheDrainTimeout() throws Exception {
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/p", ECHO);
        servers.add(server);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient old = client(port);
        assertTrue(old.connect().isConnected());

        WebSocketHandler other = (request, ws) -> ECHO.handle(request, ws);
        server.webSocket("/p", other); // e.g. a higher-ranked service took the path over

        assertNull(readWithin10s(old), "the replaced handler's session must be drained");
        assertEquals(Optional.of(CloseStatus.SERVICE_RESTART), old.closeStatus());
        WebSocketClient fresh = client(port);
        assertTrue(fresh.connect().isConnected(), "the new handler serves new handshakes");
    }

    @Test
    void theDrainLogLineNamesTheCloseCodeWithoutDigitGrouping() throws Exception {
        try (LogCapture log = LogCapture.of(io.switchboard.websocket.internal.RouteTable.class)) {
            WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/p", ECHO);
            servers.add(server);
            int port = server.start("127.0.0.1", 0);
            WebSocketClient old = client(port);
            assertTrue(old.connect().isConnected());
            server.webSocket("/p", (request, ws) -> ECHO.handle(request, ws));
            assertNull(readWithin10s(old));
            String line = log.lines().stream().filter(l -> l.contains("closing")).findFirst().orElseThrow();
            assertTrue(line.endsWith("with 1012"), line);
        }
    }

    @Test
    void aSessionUpgradedWhileItsRouteWasRemovedIsStillDrained() throws Exception {
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/p", ECHO).preUpgrade(request -> {
            inHook.countDown(); // the route has been looked up already
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        });
        servers.add(server);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient late = client(port);
        CompletableFuture<ConnectResult> connect = CompletableFuture.supplyAsync(late::connect);
        assertTrue(inHook.await(10, TimeUnit.SECONDS));

        assertTrue(server.removeWebSocket("/p")); // no sessions yet: nothing to drain, it seems
        release.countDown();

        assertTrue(connect.get(10, TimeUnit.SECONDS).isConnected());
        assertNull(readWithin10s(late), "a session of the removed handler must be drained");
        assertEquals(Optional.of(CloseStatus.GOING_AWAY), late.closeStatus());
    }
}
