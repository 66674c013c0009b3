package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's certificate is replaced on disk: new handshakes present the new one, open
 * sessions go on. The old certificate comes from one CA and the new one from another, so which
 * one a new connection saw shows in whom a client must trust.
 */
@Timeout(60)
class CertificateReloadTest {

    @TempDir
    Path dir;
    Issued oldCa;
    Issued newCa;
    Path cert;
    Path key;

    @BeforeEach
    void writeOldCertificate() {
        oldCa = TestPki.ca("Old CA", Algorithm.EC);
        newCa = TestPki.ca("New CA", Algorithm.EC);
        Issued old = oldCa.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        cert = TestPki.write(dir, "server.pem", old.certificatePem());
        key = TestPki.write(dir, "server.key", old.pkcs8Pem());
    }

    /** Writes the new certificate and key, with a later modification time than any before. */
    private void replaceCertificate(String certificatePem, String keyPem) throws Exception {
        FileTime later = FileTime.from(Instant.now().plusSeconds(60 + (long) (Math.random() * 1000)));
        Files.setLastModifiedTime(TestPki.write(dir, "server.pem", certificatePem), later);
        Files.setLastModifiedTime(TestPki.write(dir, "server.key", keyPem), later);
    }

    private static void assertEchoes(WebSocketClient client, String text) {
        assertTrue(client.send(text));
        assertEquals(new Message.Text(text), client.read());
    }

    @Test
    void changedFilesAreUsedByNewHandshakesWhileOpenSessionsGoOn() throws Exception {
        WebSocketServer server = Wss.echoServer(TlsServer.transport(cert, key));
        try {
            WebSocketClient open = Wss.client("localhost", server, TlsClient.builder()
                    .trustedCertificates(oldCa.certificate()).build());
            assertEquals(Outcome.CONNECTED, open.connect().outcome());
            assertEchoes(open, "before");

            Issued fresh = newCa.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
            replaceCertificate(fresh.certificatePem(), fresh.pkcs8Pem());

            ConnectResult trustingNew = Wss.connect("localhost", server,
                    TlsClient.builder().trustedCertificates(newCa.certificate()).build());
            assertEquals(Outcome.CONNECTED, trustingNew.outcome(), trustingNew.toString());
            ConnectResult trustingOld = Wss.connect("localhost", server,
                    TlsClient.builder().trustedCertificates(oldCa.certificate()).build());
            assertEquals(Outcome.TLS_UNTRUSTED, trustingOld.outcome(), trustingOld.toString());
            assertEchoes(open, "after");
            open.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void aReusedClientDoesAFullHandshakeAndSeesTheNewCertificate() throws Exception {
        WebSocketServer server = Wss.echoServer(TlsServer.transport(cert, key));
        try {
            TlsClient trustingBoth = TlsClient.builder()
                    .trustedCertificates(oldCa.certificate(), newCa.certificate()).build();
            assertEquals(Outcome.CONNECTED, Wss.connect("localhost", server, trustingBoth).outcome());
            Issued fresh = newCa.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
            replaceCertificate(fresh.certificatePem(), fresh.pkcs8Pem());
            // The same client context may hold a session ticket from the old context; it must not
            // be resumed, or the old certificate would live on.
            assertEquals(Outcome.CONNECTED, Wss.connect("localhost", server, trustingBoth).outcome());
            ConnectResult trustingOld = Wss.connect("localhost", server,
                    TlsClient.builder().trustedCertificates(oldCa.certificate()).build());
            assertEquals(Outcome.TLS_UNTRUSTED, trustingOld.outcome(), trustingOld.toString());
        } finally {
            server.stop();
        }
    }

    @Test
    void aBrokenReplacementKeepsTheOldCertificateAndExplicitReloadReportsIt() throws Exception {
        TlsServer tls = TlsServer.transport(cert, key);
        WebSocketServer server = Wss.echoServer(tls);
        try {
            Issued fresh = newCa.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
            Issued unrelated = newCa.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
            replaceCertificate(fresh.certificatePem(), unrelated.pkcs8Pem());

            ConnectResult trustingOld = Wss.connect("localhost", server,
                    TlsClient.builder().trustedCertificates(oldCa.certificate()).build());
            assertEquals(Outcome.CONNECTED, trustingOld.outcome(), trustingOld.toString());
            var e = assertThrows(IllegalArgumentException.class, tls::reload);
            assertTrue(e.getMessage().contains("server.key") && e.getMessage().contains("does not match"),
                    e.getMessage());

            Files.writeString(key, fresh.pkcs8Pem());
            tls.reload();
            ConnectResult trustingNew = Wss.connect("localhost", server,
                    TlsClient.builder().trustedCertificates(newCa.certificate()).build());
            assertEquals(Outcome.CONNECTED, trustingNew.outcome(), trustingNew.toString());
        } finally {
            server.stop();
        }
    }
}
