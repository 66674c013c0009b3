package io.switchboard.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.tls.TestPki;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework properties the launcher's TLS flags become. */
class ServerPropertiesTest {

    @TempDir
    Path dir;
    final Map<String, String> properties = new HashMap<>();

    @BeforeEach
    void writeCertificate() {
        Issued ca = TestPki.ca("CA", Algorithm.EC);
        Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        properties.put(ServerProperties.CERT, TestPki.write(dir, "cert.pem", server.certificatePem()).toString());
        properties.put(ServerProperties.KEY, TestPki.write(dir, "key.pem", server.encryptedPkcs8Pem("pw")).toString());
        properties.put(ServerProperties.KEY_PASSWORD, "pw");
        TestPki.write(dir, "ca.pem", ca.certificatePem());
    }

    @Test
    void noCertificateAndNoKeyMeansNoTlsServer() {
        assertTrue(ServerProperties.server(name -> null).isEmpty());
    }

    @Test
    void certificateKeyAndPasswordMakeATlsServer() {
        assertTrue(ServerProperties.server(properties::get).orElseThrow().isSecure());
    }

    @Test
    void aClientCaMakesClientCertificatesRequiredUnlessOnlyWanted() {
        properties.put(ServerProperties.CLIENT_CA, dir.resolve("ca.pem").toString());
        assertTrue(ServerProperties.server(properties::get).isPresent());
        properties.put(ServerProperties.CLIENT_AUTH, "want");
        assertTrue(ServerProperties.server(properties::get).isPresent());
        properties.put(ServerProperties.CLIENT_AUTH, "sometimes");
        var e = assertThrows(IllegalArgumentException.class, () -> ServerProperties.server(properties::get));
        assertEquals("switchboard.tls.clientAuth must be need or want, got sometimes", e.getMessage());
    }

    @Test
    void aCertificateWithoutAKeyIsNamed() {
        properties.remove(ServerProperties.KEY);
        var e = assertThrows(IllegalArgumentException.class, () -> ServerProperties.server(properties::get));
        assertEquals("TLS needs both switchboard.tls.cert and switchboard.tls.key; only switchboard.tls.cert is set",
                e.getMessage());
    }

    @Test
    void aWrongPasswordIsReportedWithTheFile() {
        properties.put(ServerProperties.KEY_PASSWORD, "nope");
        var e = assertThrows(IllegalArgumentException.class, () -> ServerProperties.server(properties::get));
        assertEquals(dir.resolve("key.pem") + ": wrong password for the encrypted private key", e.getMessage());
    }

    @Test
    void protocolsAreACommaSeparatedList() {
        properties.put(ServerProperties.PROTOCOLS, "TLSv1.3, TLSv9");
        var e = assertThrows(IllegalArgumentException.class, () -> ServerProperties.server(properties::get));
        assertTrue(e.getMessage().startsWith("unsupported TLS protocol TLSv9"), e.getMessage());
    }
}
