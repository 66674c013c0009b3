package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's verification of the server: chain, name, and the switches that turn them off. */
@Timeout(60)
class VerificationTest {

    @TempDir
    static Path dir;
    static Issued ca;
    static Issued otherCa;
    /** Certificate for localhost and 127.0.0.1, from {@link #ca}. */
    static WebSocketServer good;
    /** Certificate for another name only, from {@link #ca}. */
    static WebSocketServer wrongName;
    /** Certificate for localhost and 127.0.0.1 from {@link #otherCa}, which the clients do not trust. */
    static WebSocketServer untrusted;

    @BeforeAll
    static void startServers() {
        ca = TestPki.ca("Test CA", Algorithm.EC);
        otherCa = TestPki.ca("Other CA", Algorithm.EC);
        TestPki.write(dir, "ca.pem", ca.certificatePem());
        good = Wss.echoServer(server("good", ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost", "127.0.0.1")));
        wrongName = Wss.echoServer(server("wrong", ca.issue("elsewhere", Algorithm.EC, Usage.SERVER,
                "elsewhere.example")));
        untrusted = Wss.echoServer(server("untrusted", otherCa.issue("localhost", Algorithm.EC, Usage.SERVER,
                "localhost", "127.0.0.1")));
    }

    private static TlsServer server(String name, Issued certificate) {
        return TlsServer.transport(TestPki.write(dir, name + ".pem", certificate.certificatePem()),
                TestPki.write(dir, name + ".key", certificate.pkcs8Pem()));
    }

    @AfterAll
    static void stopServers() {
        good.stop();
        wrongName.stop();
        untrusted.stop();
    }

    private static TlsClient.Builder trustingCaFile() {
        return TlsClient.builder().trustedCertificates(dir.resolve("ca.pem"));
    }

    @Test
    void trustedChainWithTheRightHostNameConnects() {
        ConnectResult result = Wss.connect("localhost", good, trustingCaFile().build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void trustedChainWithTheRightIpAddressConnects() {
        ConnectResult result = Wss.connect("127.0.0.1", good, trustingCaFile().build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void inMemoryCaCertificatesAreTrusted() {
        ConnectResult result = Wss.connect("localhost", good,
                TlsClient.builder().trustedCertificates(ca.certificate()).build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void certificateForAnotherNameFailsAsHostNameMismatch() {
        ConnectResult result = Wss.connect("localhost", wrongName, trustingCaFile().build());
        assertEquals(Outcome.TLS_HOSTNAME_MISMATCH, result.outcome(), result.toString());
    }

    @Test
    void certificateForAnotherIpAddressFailsAsHostNameMismatch() {
        ConnectResult result = Wss.connect("127.0.0.1", wrongName, trustingCaFile().build());
        assertEquals(Outcome.TLS_HOSTNAME_MISMATCH, result.outcome(), result.toString());
    }

    @Test
    void certificateForAnotherNameConnectsWithHostNameVerificationOff() {
        ConnectResult result = Wss.connect("localhost", wrongName, trustingCaFile().verifyHostName(false).build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void hostNameVerificationOffStillRejectsAnUntrustedChain() {
        ConnectResult result = Wss.connect("localhost", untrusted, trustingCaFile().verifyHostName(false).build());
        assertEquals(Outcome.TLS_UNTRUSTED, result.outcome(), result.toString());
    }

    @Test
    void untrustedChainFailsAsUntrusted() {
        ConnectResult result = Wss.connect("localhost", untrusted, trustingCaFile().build());
        assertEquals(Outcome.TLS_UNTRUSTED, result.outcome(), result.toString());
    }

    @Test
    void untrustedChainConnectsWithCertificateVerificationOff() {
        ConnectResult result = Wss.connect("localhost", untrusted, TlsClient.builder().verifyCertificates(false).build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void certificateVerificationOffAlsoAcceptsAWrongName() {
        ConnectResult result = Wss.connect("localhost", wrongName, TlsClient.builder().verifyCertificates(false).build());
        assertEquals(Outcome.CONNECTED, result.outcome(), result.toString());
    }

    @Test
    void noProtocolInCommonFailsAsHandshakeFailure() {
        WebSocketServer tls12 = Wss.echoServer(TlsServer.builder(dir.resolve("good.pem"), dir.resolve("good.key"))
                .protocols("TLSv1.2").build());
        try {
            ConnectResult result = Wss.connect("localhost", tls12, trustingCaFile().protocols("TLSv1.3").build());
            assertEquals(Outcome.TLS_HANDSHAKE_FAILED, result.outcome(), result.toString());
            ConnectResult ok = Wss.connect("localhost", tls12, trustingCaFile().build());
            assertEquals(Outcome.CONNECTED, ok.outcome(), ok.toString());
        } finally {
            tls12.stop();
        }
    }

    @Test
    void aServerThatDoesNotSpeakTlsFailsAsHandshakeFailure() throws Exception {
        WebSocketServer plain = new WebSocketServer();
        plain.webSocket("/ws", (request, ws) -> { });
        plain.start("127.0.0.1", 0);
        try {
            ConnectResult result = Wss.connect("localhost", plain, trustingCaFile().build());
            assertEquals(Outcome.TLS_HANDSHAKE_FAILED, result.outcome(), result.toString());
            assertTrue(result.message().contains("TLS handshake"), result.message());
        } finally {
            plain.stop();
        }
    }
}
