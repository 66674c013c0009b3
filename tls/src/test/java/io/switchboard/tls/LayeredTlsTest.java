package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Listener;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.transport.internal.TcpTransport;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as a layer over a plain transport: wss over a Unix-domain socket, the handshake on the
 * connection's own thread (never the accept loop's), and the handshake deadline over a transport
 * that has no read timeouts.
 */
@Timeout(60)
class LayeredTlsTest {

    @TempDir
    Path dir;
    Issued ca;
    Path cert;
    Path key;

    @BeforeEach
    void writeCertificate() {
        ca = TestPki.ca("Test CA", Algorithm.EC);
        Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost", "127.0.0.1");
        cert = TestPki.write(dir, "server.pem", server.certificatePem());
        key = TestPki.write(dir, "server.key", server.pkcs8Pem());
    }

    private TlsClient trusting() {
        return TlsClient.builder().trustedCertificates(ca.certificate()).build();
    }

    @Test
    void wssOverAUnixDomainSocketEchoesAndCloses() throws Exception {
        Path socket = dir.resolve("wss.sock");
        CompletableFuture<Boolean> serverSawTheEnd = new CompletableFuture<>();
        WebSocketServer server = new WebSocketServer(Wss.OPTIONS, TlsServer.transport(cert, key));
        server.webSocket("/ws", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
            serverSawTheEnd.complete(true);
        });
        server.start(socket);
        try {
            // The URL's host is what TLS checks the certificate against; the socket is the way there.
            WebSocketClient client = new WebSocketClient("wss://localhost/ws", Headers.empty(),
                    WebSocketOptions.builder().closeTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5))
                            .handshakeTimeout(Duration.ofSeconds(5)).unixSocket(socket).build(), trusting());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("over a Unix socket"));
            assertEquals(new Message.Text("over a Unix socket"), client.read());
            byte[] large = new byte[1 << 20];
            for (int i = 0; i < large.length; i++) {
                large[i] = (byte) (i * 31);
            }
            assertTrue(client.send(large));
            assertEquals(new Message.Binary(large), client.read());
            client.close();
            assertNull(client.read());
            assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
            assertTrue(serverSawTheEnd.get(10, TimeUnit.SECONDS));
        } finally {
            server.stop();
        }
    }

    @Test
    void aUnixSocketClientChecksTheUrlsHostName() throws Exception {
        Path socket = dir.resolve("wss.sock");
        WebSocketServer server = new WebSocketServer(Wss.OPTIONS, TlsServer.transport(cert, key));
        server.webSocket("/ws", (request, ws) -> ws.read());
        server.start(socket);
        try {
            WebSocketClient client = new WebSocketClient("wss://example.org/ws", Headers.empty(),
                    WebSocketOptions.builder().connectTimeout(Duration.ofSeconds(5))
                            .handshakeTimeout(Duration.ofSeconds(5)).unixSocket(socket).build(), trusting());
            ConnectResult result = client.connect();
            assertEquals(ConnectResult.Outcome.TLS_HOSTNAME_MISMATCH, result.outcome(), result.toString());
        } finally {
            server.stop();
        }
    }

    @Test
    void theTransportLayersOverAUnixSocketBothWays() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("t.sock"));
        CompletableFuture<Boolean> serverSideSecure = new CompletableFuture<>();
        TlsServer server = TlsServer.transport(cert, key).over(new TcpTransport());
        try (Listener listener = server.listen(address, c -> {
            serverSideSecure.complete(c.isSecure());
            try {
                int b = c.input().read();
                c.output().write(b + 1);
                c.input().read(); // until the client closes
            } catch (IOException e) {
                // client gone
            }
        })) {
            assertEquals(address, listener.localAddress());
            Connection c = trusting().over(new TcpTransport()).connect(address,
                    InetSocketAddress.createUnresolved("localhost", 443), connection -> { }, Duration.ofSeconds(5));
            try {
                assertTrue(c.isSecure());
                c.output().write(41);
                assertEquals(42, c.input().read());
                assertTrue(serverSideSecure.get(10, TimeUnit.SECONDS));
            } finally {
                c.close();
            }
        }
    }

    @Test
    void withoutAHostNameToVerifyAUnixSocketConnectSaysSo() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("t.sock"));
        try (Listener listener = TlsServer.transport(cert, key).listen(address, Connection::close)) {
            SSLException e = assertThrows(SSLException.class, () -> trusting().connect(address, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("names no server host"), e.getMessage());
            Connection c = TlsClient.builder().trustedCertificates(ca.certificate()).verifyHostName(false).build()
                    .connect(address, Duration.ofSeconds(5));
            c.close();
        }
    }

    /**
     * The handshake runs on the connection's thread: with a silent peer holding its handshake
     * for up to a minute, a second client still gets through within its own 5 s handshake
     * timeout, which it could not if the accept loop waited for the first.
     */
    @Test
    void aSilentPeerDoesNotHoldUpTheAcceptLoop() throws Exception {
        WebSocketServer server = Wss.echoServer(TlsServer.builder(cert, key).handshakeTimeout(Duration.ofSeconds(60))
                .build());
        try (SocketChannel silent = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            WebSocketClient client = Wss.client("localhost", server, trusting());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("not held up"));
            assertEquals(new Message.Text("not held up"), client.read());
            client.close();
            assertTrue(silent.isOpen());
        } finally {
            server.stop();
        }
    }

    /**
     * Unix-domain sockets have no read timeout: the handshake deadline alone (closing the
     * connection) drops a peer that connects and never starts TLS, after the other client was served.
     */
    @Test
    void aSilentUnixPeerIsDroppedAfterTheHandshakeTimeout() throws Exception {
        Path socket = dir.resolve("silent.sock");
        WebSocketServer server = new WebSocketServer(Wss.OPTIONS, TlsServer.builder(cert, key)
                .handshakeTimeout(Duration.ofMillis(300)).build());
        server.webSocket("/ws", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        server.start(socket);
        try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.connect(UnixDomainSocketAddress.of(socket));
            WebSocketClient client = new WebSocketClient("wss://localhost/ws", Headers.empty(),
                    WebSocketOptions.builder().connectTimeout(Duration.ofSeconds(5))
                            .handshakeTimeout(Duration.ofSeconds(5)).unixSocket(socket).build(), trusting());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("served"));
            assertEquals(new Message.Text("served"), client.read());
            client.close();
            // Bounded by the test's timeout: the server closes the silent connection.
            try {
                assertEquals(-1, silent.read(ByteBuffer.allocate(16)), "the server closes a peer that never starts TLS");
            } catch (IOException reset) {
                // A reset is a close too.
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void tlsDoesNotLayerOverASecureTransport() {
        TlsServer server = TlsServer.transport(cert, key);
        assertInstanceOf(IllegalArgumentException.class,
                assertThrows(RuntimeException.class, () -> server.over(trusting())));
        assertThrows(IllegalArgumentException.class, () -> trusting().over(server));
    }
}
