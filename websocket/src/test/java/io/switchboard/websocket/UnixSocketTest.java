package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Serving on a Unix-domain socket: the socket file's life cycle and connections over it. */
@Timeout(30)
class UnixSocketTest {

    private static final WebSocketHandler ECHO = Started.ECHO;

    private final Started started = new Started();

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private WebSocketServer server() {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().closeTimeout(Duration.ofSeconds(2)).build())
                .webSocket("/ws", ECHO);
        started.server(server);
        return server;
    }

    private WebSocketClient client(Path socket) {
        WebSocketClient client = new WebSocketClient("ws://localhost/ws", Headers.empty(),
                WebSocketOptions.builder().unixSocket(socket).build());
        started.client(client);
        return client;
    }

    @Test
    void aRegularFileAtThePathIsNeitherDeletedNorReplaced() throws Exception {
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "precious");
        IOException e = assertThrows(IOException.class, () -> server().start(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void anEmptyDirectoryAtThePathIsNotDeleted() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> server().start(sub));
        assertTrue(e.getMessage().contains(sub.toString()), e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(socket));
        crashed.close(); // the file stays, as after a crash
        assertTrue(Files.exists(socket));
        server().start(socket);
        WebSocketClient client = client(socket);
        assertTrue(client.connect().isConnected());
    }

    @Test
    void aSocketInUseByALiveServerIsNotTakenOver() throws Exception {
        Path socket = dir.resolve("live.sock");
        WebSocketServer first = server();
        first.start(socket);
        IOException e = assertThrows(IOException.class, () -> server().start(socket));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        WebSocketClient client = client(socket);
        assertTrue(client.connect().isConnected(), "the first server still has its socket");
    }

    @Test
    void aPathTooLongFailsNamingIt() throws Exception {
        Path socket = dir.resolve("x".repeat(120) + ".sock");
        IOException e = assertThrows(IOException.class, () -> server().start(socket));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
    }

    @Test
    void stopRemovesTheSocketFileButNotOneThatReplacedIt() throws Exception {
        Path socket = dir.resolve("mine.sock");
        WebSocketServer server = server();
        server.start(socket);
        Files.delete(socket);
        Files.writeString(socket, "someone else's");
        server.stop();
        assertEquals("someone else's", Files.readString(socket));
    }

    @Test
    void connectingToAMissingPathIsRefused() {
        Path socket = dir.resolve("missing.sock");
        ConnectResult result = client(socket).connect();
        assertEquals(Outcome.REFUSED, result.outcome(), result.toString());
        assertTrue(result.message().contains(socket.toString()), result.message());
    }

    @Test
    void stopClosesUnixSessionsWith1001() throws Exception {
        Path socket = dir.resolve("stop.sock");
        WebSocketServer server = server();
        server.start(socket);
        List<CompletableFuture<Message>> reads = new ArrayList<>();
        List<WebSocketClient> live = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WebSocketClient c = client(socket);
            assertTrue(c.connect().isConnected());
            assertTrue(c.send("m" + i));
            assertEquals(Message.text("m" + i), c.read());
            live.add(c);
            CompletableFuture<Message> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> read.complete(c.read()));
            reads.add(read);
        }
        server.stop();
        for (int i = 0; i < 5; i++) {
            assertNull(reads.get(i).get(10, TimeUnit.SECONDS));
            assertEquals(CloseStatus.GOING_AWAY, live.get(i).closeStatus().orElseThrow());
        }
        assertEquals(0, server.activeConnections());
        assertFalse(Files.exists(socket));
    }

    @Test
    void concurrentConnectionsEchoOverOneSocket() throws Exception {
        Path socket = dir.resolve("many.sock");
        server().start(socket);
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            WebSocketClient c = client(socket);
            int id = i;
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                boolean ok = c.connect().isConnected();
                for (int m = 0; ok && m < 50; m++) {
                    ok = c.send(id + ":" + m) && Message.text(id + ":" + m).equals(c.read());
                }
                c.close();
                done.complete(ok);
            });
            results.add(done);
        }
        for (CompletableFuture<Boolean> r : results) {
            assertTrue(r.get(20, TimeUnit.SECONDS));
        }
    }
}
