package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs fail when the transport is built, with one message naming the file and the problem. */
class ServerConfigurationTest {

    @TempDir
    Path dir;
    Issued server;
    Path cert;
    Path key;

    @BeforeEach
    void writeCertificate() {
        server = TestPki.ca("Test CA", Algorithm.EC).issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        cert = TestPki.write(dir, "server.pem", server.certificatePem());
        key = TestPki.write(dir, "server.key", server.pkcs8Pem());
    }

    private static String failure(Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertEquals(null, e.getCause(), "no JDK stack trace behind the message");
        return e.getMessage();
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path missing = dir.resolve("missing.pem");
        assertEquals(missing + ": no such file", failure(() -> TlsServer.transport(missing, key)));
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = dir.resolve("missing.key");
        assertEquals(missing + ": no such file", failure(() -> TlsServer.transport(cert, missing)));
    }

    @Test
    void aCertificateFileThatIsNotPemIsNamed() {
        Path notPem = TestPki.write(dir, "junk.pem", "this is not a certificate\n");
        String message = failure(() -> TlsServer.transport(notPem, key));
        assertTrue(message.startsWith(notPem + ": no PEM block"), message);
    }

    @Test
    void aKeyFileHoldingOnlyACertificateSaysWhatItHolds() {
        String message = failure(() -> TlsServer.transport(cert, cert));
        assertTrue(message.startsWith(cert + ": no private key found") && message.contains("[CERTIFICATE]"), message);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRejected() {
        Path other = TestPki.write(dir, "other.key",
                TestPki.ca("Other", Algorithm.EC).pkcs8Pem());
        String message = failure(() -> TlsServer.transport(cert, other));
        assertTrue(message.startsWith(other + ": the private key does not match the certificate"), message);
        assertTrue(message.endsWith("in " + cert), message);
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRejectedAsNotMatching() {
        Path rsa = TestPki.write(dir, "rsa.key", TestPki.ca("Other", Algorithm.RSA).pkcs8Pem());
        String message = failure(() -> TlsServer.transport(cert, rsa));
        assertTrue(message.contains("does not match"), message);
    }

    @Test
    void anEncryptedKeyWithoutAPasswordAsksForOne() {
        Path encrypted = TestPki.write(dir, "encrypted.key", server.encryptedPkcs8Pem("right"));
        String message = failure(() -> TlsServer.transport(cert, encrypted));
        assertEquals(encrypted + ": the private key is encrypted; a password is needed", message);
    }

    @Test
    void anEncryptedKeyWithAWrongPasswordSaysSo() {
        Path encrypted = TestPki.write(dir, "encrypted.key", server.encryptedPkcs8Pem("right"));
        String message = failure(() -> TlsServer.builder(cert, encrypted).keyPassword("wrong").build());
        assertEquals(encrypted + ": wrong password for the encrypted private key", message);
    }

    @Test
    void anEncryptedKeyLoadsWithItsPassword() {
        Path encrypted = TestPki.write(dir, "encrypted.key", server.encryptedPkcs8Pem("right"));
        TlsServer.builder(cert, encrypted).keyPassword("right").build();
    }

    @Test
    void aMissingClientCaFileIsNamed() {
        Path missing = dir.resolve("missing-ca.pem");
        assertEquals(missing + ": no such file",
                failure(() -> TlsServer.builder(cert, key).clientAuth(missing, ClientAuth.NEED).build()));
    }

    @Test
    void anUnsupportedProtocolIsNamed() {
        String message = failure(() -> TlsServer.builder(cert, key).protocols("TLSv9").build());
        assertTrue(message.startsWith("unsupported TLS protocol TLSv9"), message);
    }

    @Test
    void anUnsupportedCipherSuiteIsNamed() {
        String message = failure(() -> TlsServer.builder(cert, key).cipherSuites("TLS_NOT_A_SUITE").build());
        assertTrue(message.startsWith("unsupported TLS cipher suite TLS_NOT_A_SUITE"), message);
    }

    @Test
    void aMissingClientCertificateFileIsNamed() {
        Path missing = dir.resolve("client.pem");
        assertEquals(missing + ": no such file",
                failure(() -> TlsClient.builder().clientCertificate(missing, key).build()));
    }

    @Test
    void aServerTransportDoesNotConnectAndAClientTransportDoesNotListen() {
        assertThrows(UnsupportedOperationException.class,
                () -> TlsServer.transport(cert, key).connect(new InetSocketAddress(1), Duration.ZERO));
        assertThrows(UnsupportedOperationException.class,
                () -> TlsClient.create().listen(new InetSocketAddress(0), c -> { }));
        assertTrue(TlsServer.transport(cert, key).isSecure());
        assertTrue(TlsClient.create().isSecure());
    }
}
