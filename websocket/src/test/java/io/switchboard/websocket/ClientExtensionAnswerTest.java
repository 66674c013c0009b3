package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client compresses only when the server's answer really agrees to permessage-deflate. */
@Timeout(30)
class ClientExtensionAnswerTest {

    private ServerSocket fake;

    @BeforeEach
    void openFakeServer() throws IOException {
        fake = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void closeFakeServer() throws IOException {
        fake.close();
    }

    /** Whether or not the client offered deflate, an empty answer agrees to nothing and fails nothing. */
    @ParameterizedTest(name = "deflate offered: {0}")
    @ValueSource(booleans = {true, false})
    void anEmptyExtensionsHeaderInThe101NamesNoExtension(boolean offered) throws Exception {
        String text = "a message long enough to be compressed if deflate had been agreed: " + "x".repeat(100);
        CompletableFuture<RawPeer.Frame> received = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (Socket socket = fake.accept(); RawPeer peer = RawPeer.of(socket)) {
                RawPeer.Head request = peer.readHead();
                String key = request.headers().first("Sec-WebSocket-Key").orElseThrow();
                peer.writeAscii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + RawPeer.acceptFor(key) + "\r\n"
                        + "Sec-WebSocket-Extensions: \r\n\r\n"); // names no extension: nothing was agreed
                received.complete(peer.readFrame());
            } catch (Throwable e) {
                received.completeExceptionally(e);
            }
        });
        WebSocketOptions options = WebSocketOptions.builder()
                .compression(offered)
                .closeTimeout(Duration.ofMillis(200))
                .build();
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + fake.getLocalPort() + "/", Headers.empty(),
                options);
        try {
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send(text));
            RawPeer.Frame frame = received.get(10, TimeUnit.SECONDS);
            assertEquals(0, frame.rsv(), "RSV1 set although the server agreed to no extension: " + frame);
            assertEquals(text, frame.text());
        } finally {
            client.close();
        }
    }
}
