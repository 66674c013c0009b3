package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's side of an HTTP CONNECT proxy against a scripted proxy on loopback: what it
 * asks, and what it makes of the answers. (ProxyTunnelTest in the tls module runs a real proxy.)
 */
@Timeout(30)
class ClientProxyTest {

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder().connectTimeout(Duration.ofSeconds(5))
            .handshakeTimeout(Duration.ofSeconds(5)).closeTimeout(Duration.ofSeconds(2)).build();

    private ServerSocket proxy;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stopProxy() throws IOException {
        proxy.close();
    }

    /** Serves one connection: reads the CONNECT head, answers {@code answer}, then runs {@code after}. */
    private CompletableFuture<RawPeer.Head> proxyOnce(String answer, boolean thenWebSocket) {
        CompletableFuture<RawPeer.Head> seen = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (Socket socket = proxy.accept(); RawPeer peer = RawPeer.of(socket)) {
                RawPeer.Head connect = peer.readHead();
                seen.complete(connect);
                peer.writeAscii(answer);
                if (thenWebSocket) { // the tunnel's far end: a WebSocket server saying hello
                    String key = peer.readHead().headers().first("Sec-WebSocket-Key").orElseThrow();
                    peer.writeAscii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + RawPeer.acceptFor(key) + "\r\n\r\n");
                    peer.write(RawPeer.frame(true, 0, RawPeer.TEXT, RawPeer.utf8("hello through the tunnel"), false));
                    peer.write(RawPeer.frame(true, 0, RawPeer.CLOSE, RawPeer.closePayload(1000, ""), false));
                    peer.readFrame();
                }
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            }
        });
        return seen;
    }

    private WebSocketClient.Builder client(String url) {
        return WebSocketClient.builder(url).options(OPTIONS).proxy("127.0.0.1", proxy.getLocalPort());
    }

    @Test
    void asksForATunnelToTheServersNameAndSpeaksWebSocketThroughIt() throws Exception {
        CompletableFuture<RawPeer.Head> seen = proxyOnce("HTTP/1.1 200 Connection established\r\n\r\n", true);
        WebSocketClient client = client("ws://server.invalid:8080/chat").proxyCredentials("alice", "s3cret").build();
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        RawPeer.Head connect = seen.get(10, TimeUnit.SECONDS);
        assertEquals("CONNECT server.invalid:8080 HTTP/1.1", connect.startLine());
        assertEquals("server.invalid:8080", connect.headers().first("Host").orElseThrow());
        assertEquals("Basic YWxpY2U6czNjcmV0", connect.headers().first("Proxy-Authorization").orElseThrow());
        assertEquals(new Message.Text("hello through the tunnel"), client.read());
        client.close();
    }

    @Test
    void fourOhSevenIsProxyAuthRequired() throws Exception {
        proxyOnce("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n", false);
        ConnectResult result = client("ws://server.invalid/").build().connect();
        assertEquals(Outcome.PROXY_AUTH_REQUIRED, result.outcome(), result.toString());
        assertEquals(407, result.httpStatus());
        assertEquals("Basic realm=\"x\"", result.headers().first("Proxy-Authenticate").orElseThrow());
    }

    @Test
    void anotherStatusIsProxyRejectedWithIt() throws Exception {
        proxyOnce("HTTP/1.1 502 Bad Gateway\r\n\r\n", false);
        ConnectResult result = client("ws://server.invalid/").build().connect();
        assertEquals(Outcome.PROXY_REJECTED, result.outcome(), result.toString());
        assertEquals(502, result.httpStatus());
    }

    @Test
    void aRefusingProxyIsReportedToTheSelector() throws Exception {
        int closed = proxy.getLocalPort();
        proxy.close();
        List<SocketAddress> failed = new CopyOnWriteArrayList<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", closed)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                failed.add(sa);
            }
        };
        ConnectResult result = WebSocketClient.builder("ws://server.invalid/").options(OPTIONS).proxy(selector).build()
                .connect();
        assertEquals(Outcome.PROXY_REFUSED, result.outcome(), result.toString());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", closed)), failed);
    }

    @Test
    void aSelectorThatThrowsFailsTheConnectInsteadOfEscapingIt() {
        ProxySelector broken = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                throw new IllegalStateException("broken selector");
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        ConnectResult result = WebSocketClient.builder("ws://server.invalid/").options(OPTIONS).proxy(broken).build()
                .connect();
        assertEquals(Outcome.IO_ERROR, result.outcome());
        assertTrue(result.message().contains("broken selector"), result.message());
    }

    @Test
    void aUnixSocketClientNeverUsesAProxy() {
        ConnectResult result = client("ws://server.invalid/").options(WebSocketOptions.builder()
                .unixSocket(java.nio.file.Path.of("/nonexistent/switchboard.sock")).build()).build().connect();
        assertEquals(Outcome.REFUSED, result.outcome(), result.toString());
    }
}
