package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.transport.internal.TcpTransport;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class WssEchoTest {

    @TempDir
    Path dir;

    private TlsServer serverFor(Issued ca, Algorithm algorithm) {
        Issued server = ca.issue("localhost", algorithm, Usage.SERVER, "localhost", "127.0.0.1");
        return TlsServer.transport(TestPki.write(dir, "server.pem", server.certificatePem() + ca.certificatePem()),
                TestPki.write(dir, "server.key", server.pkcs8Pem()));
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void ourClientEchoesOverWssWithAVerifiedServer(Algorithm algorithm) {
        Issued ca = TestPki.ca("Test CA", algorithm);
        WebSocketServer server = Wss.echoServer(serverFor(ca, algorithm));
        try {
            WebSocketClient client = Wss.client("localhost", server,
                    TlsClient.builder().trustedCertificates(ca.certificate()).build());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("Hello, WebSocket!"));
            assertEquals(new Message.Text("Hello, WebSocket!"), client.read());
            byte[] large = new byte[100_000];
            large[99_999] = 7;
            assertTrue(client.send(large));
            assertEquals(new Message.Binary(large), client.read());
            client.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void jdkHttpClientEchoesOverWss() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        WebSocketServer server = Wss.echoServer(serverFor(ca, Algorithm.EC));
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            CompletableFuture<String> reply = new CompletableFuture<>();
            try (HttpClient http = HttpClient.newBuilder().sslContext(context).build()) {
                WebSocket ws = http.newWebSocketBuilder()
                        .buildAsync(URI.create("wss://localhost:" + server.port() + "/ws"), new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    reply.complete(text.toString());
                                }
                                webSocket.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                ws.sendText("hello from java.net.http", true).get(10, TimeUnit.SECONDS);
                assertEquals("hello from java.net.http", reply.get(10, TimeUnit.SECONDS));
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void wssWithoutATransportUsesTheServiceLoadersTlsClientWhichVerifiesAgainstTheJdkTrustStore() {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        WebSocketServer server = Wss.echoServer(serverFor(ca, Algorithm.EC));
        try {
            ConnectResult result = new WebSocketClient("wss://localhost:" + server.port() + "/ws").connect();
            assertEquals(Outcome.TLS_UNTRUSTED, result.outcome(), result.toString());
        } finally {
            server.stop();
        }
    }

    @Test
    void wsStillUsesThePlainTransportWhenTlsIsPresent() throws Exception {
        WebSocketServer server = new WebSocketServer();
        server.webSocket("/ws", (request, ws) -> ws.send(request.path()));
        int port = server.start("127.0.0.1", 0);
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertEquals(new Message.Text("/ws"), client.read());
            client.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void aPlainTransportForAWssUrlIsReportedAsInvalid() {
        ConnectResult result = new WebSocketClient("wss://localhost:1/ws", io.switchboard.api.Headers.empty(),
                Wss.OPTIONS, new TcpTransport()).connect();
        assertEquals(Outcome.INVALID_URL, result.outcome(), result.toString());
        assertTrue(result.message().contains("secure"), result.message());
    }
}
