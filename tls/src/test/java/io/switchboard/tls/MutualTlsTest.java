package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates: required, wanted, missing, from an unknown CA, with an encrypted key. */
@Timeout(60)
class MutualTlsTest {

    @TempDir
    static Path dir;
    static Issued ca;
    static Issued client;
    static Issued strangerClient;
    static WebSocketServer needing;
    static WebSocketServer wanting;

    @BeforeAll
    static void startServers() {
        ca = TestPki.ca("Test CA", Algorithm.RSA);
        Issued server = ca.issue("localhost", Algorithm.RSA, Usage.SERVER, "localhost", "127.0.0.1");
        client = ca.issue("client", Algorithm.EC, Usage.CLIENT);
        strangerClient = TestPki.ca("Stranger CA", Algorithm.EC).issue("stranger", Algorithm.EC, Usage.CLIENT);
        Path cert = TestPki.write(dir, "server.pem", server.certificatePem());
        Path key = TestPki.write(dir, "server.key", server.pkcs1Pem());
        Path clientCa = TestPki.write(dir, "client-ca.pem", ca.certificatePem());
        TestPki.write(dir, "client.pem", client.certificatePem());
        TestPki.write(dir, "client.key", client.pkcs8Pem());
        TestPki.write(dir, "stranger.pem", strangerClient.certificatePem());
        TestPki.write(dir, "stranger.key", strangerClient.sec1Pem(true));
        needing = Wss.echoServer(TlsServer.builder(cert, key).clientAuth(clientCa, ClientAuth.NEED).build());
        wanting = Wss.echoServer(TlsServer.builder(cert, key).clientAuth(clientCa, ClientAuth.WANT).build());
    }

    @AfterAll
    static void stopServers() {
        needing.stop();
        wanting.stop();
    }

    private static TlsClient.Builder trustingCa() {
        return TlsClient.builder().trustedCertificates(ca.certificate());
    }

    private static void assertEchoes(WebSocketServer server, TlsClient tls) {
        WebSocketClient ws = Wss.client("localhost", server, tls);
        ConnectResult result = ws.connect();
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
        assertTrue(ws.send("mutual"));
        assertEquals(new Message.Text("mutual"), ws.read());
        ws.close();
    }

    @Test
    void clientWithATrustedCertificateIsServedWhenOneIsRequired() {
        assertEchoes(needing, trustingCa().clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")).build());
    }

    @Test
    void clientWithoutACertificateIsRefusedWhenOneIsRequired() {
        ConnectResult result = Wss.connect("localhost", needing, trustingCa().build());
        assertEquals(Outcome.TLS_CLIENT_CERT_REJECTED, result.outcome(), result.toString());
    }

    /**
     * A TLS 1.2 server (the JDK's among them) may answer a missing certificate with a generic
     * handshake_failure; the client knows it was asked for one and had none.
     */
    @Test
    void clientWithoutACertificateIsRefusedUnderTls12() {
        ConnectResult result = Wss.connect("localhost", needing, trustingCa().protocols("TLSv1.2").build());
        assertEquals(Outcome.TLS_CLIENT_CERT_REJECTED, result.outcome(), result.toString());
        assertTrue(result.message().contains("asked for a client certificate, none is configured"), result.message());
    }

    @Test
    void clientCertificateFromAnUnknownCaIsRefusedUnderTls12() {
        ConnectResult result = Wss.connect("localhost", needing, trustingCa().protocols("TLSv1.2")
                .clientCertificate(dir.resolve("stranger.pem"), dir.resolve("stranger.key")).build());
        assertEquals(Outcome.TLS_CLIENT_CERT_REJECTED, result.outcome(), result.toString());
    }

    @Test
    void clientCertificateFromAnUnknownCaIsRefused() {
        ConnectResult result = Wss.connect("localhost", needing,
                trustingCa().clientCertificate(dir.resolve("stranger.pem"), dir.resolve("stranger.key")).build());
        assertEquals(Outcome.TLS_CLIENT_CERT_REJECTED, result.outcome(), result.toString());
    }

    @Test
    void encryptedClientKeyGivenAsBytesIsDecryptedWithItsPassword() {
        byte[] chain = client.certificatePem().getBytes(StandardCharsets.US_ASCII);
        byte[] key = client.encryptedPkcs8Pem("s3cret").getBytes(StandardCharsets.US_ASCII);
        assertEchoes(needing, trustingCa().clientCertificate(chain, key, "s3cret".toCharArray()).build());
    }

    @Test
    void encryptedClientKeyFileIsDecryptedWithItsPassword() {
        Path key = TestPki.write(dir, "client-encrypted.key", client.encryptedPkcs8Pem("pw"));
        assertEchoes(needing, trustingCa().clientCertificate(dir.resolve("client.pem"), key, "pw".toCharArray()).build());
    }

    @Test
    void clientWithoutACertificateIsServedWhenOneIsOnlyWanted() {
        assertEchoes(wanting, trustingCa().build());
    }

    @Test
    void clientWithATrustedCertificateIsServedWhenOneIsWanted() {
        assertEchoes(wanting, trustingCa().clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")).build());
    }
}
