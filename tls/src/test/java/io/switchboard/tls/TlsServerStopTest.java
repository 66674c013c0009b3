package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server lifecycle over TLS: stopping closes live sessions; silent clients neither block nor linger. */
@Timeout(60)
class TlsServerStopTest {

    @TempDir
    Path dir;
    Issued ca;
    Path cert;
    Path key;

    @BeforeEach
    void writeCertificate() {
        ca = TestPki.ca("Test CA", Algorithm.EC);
        Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        cert = TestPki.write(dir, "server.pem", server.certificatePem());
        key = TestPki.write(dir, "server.key", server.pkcs8Pem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void stoppingTheServerClosesALiveWssSessionWithGoingAway(String protocol) {
        WebSocketServer server = Wss.echoServer(TlsServer.transport(cert, key));
        WebSocketClient client = Wss.client("localhost", server,
                TlsClient.builder().trustedCertificates(ca.certificate()).protocols(protocol).build());
        try {
            assertEquals(Outcome.CONNECTED, client.connect().outcome());
            assertTrue(client.send("still here"));
            assertEquals(new Message.Text("still here"), client.read());
        } finally {
            server.stop();
        }
        assertNull(client.read());
        assertEquals(CloseStatus.GOING_AWAY, client.closeStatus().orElseThrow());
        assertEquals(0, server.sessionCount());
    }

    @Test
    void aSilentClientDoesNotDelayOthersAndIsDroppedAfterTheHandshakeTimeout() throws Exception {
        WebSocketServer server = Wss.echoServer(TlsServer.builder(cert, key)
                .handshakeTimeout(Duration.ofMillis(300)).build());
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            WebSocketClient client = Wss.client("localhost", server,
                    TlsClient.builder().trustedCertificates(ca.certificate()).build());
            assertEquals(Outcome.CONNECTED, client.connect().outcome());
            assertTrue(client.send("not blocked"));
            assertEquals(new Message.Text("not blocked"), client.read());
            client.close();

            silent.setSoTimeout(20_000);
            InputStream in = silent.getInputStream();
            try {
                assertEquals(-1, in.read(), "the server closes a connection whose handshake does not come");
            } catch (SocketException reset) {
                // A reset is a close too.
            }
        } finally {
            server.stop();
        }
    }
}
