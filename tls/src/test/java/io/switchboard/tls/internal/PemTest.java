package io.switchboard.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsEveryBlockAndIgnoresTextAround() {
        List<Pem.Block> blocks = Pem.read(ascii("""
                subject=CN=x
                -----BEGIN CERTIFICATE-----
                AQID
                BA==
                -----END CERTIFICATE-----
                -----BEGIN PRIVATE KEY-----
                BQY=
                -----END PRIVATE KEY-----
                """), "chain.pem");
        assertEquals(2, blocks.size());
        assertEquals("CERTIFICATE", blocks.get(0).label());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, blocks.get(0).der());
        assertEquals("PRIVATE KEY", blocks.get(1).label());
        assertArrayEquals(new byte[] {5, 6}, blocks.get(1).der());
    }

    @Test
    void whitespaceAfterTheBeginLineDoesNotDropTheBlock() {
        // RFC 7468 §3 (lax parsing): "-----BEGIN label-----" *WSP eol; a chain must not lose a certificate.
        List<Pem.Block> blocks = Pem.read(ascii("-----BEGIN CERTIFICATE----- \r\nAQID\r\nBA==\r\n-----END CERTIFICATE-----\r\n"
                + "-----BEGIN CERTIFICATE-----\t\r\nBQY=\r\n-----END CERTIFICATE-----\r\n"), "chain.pem");
        assertEquals(2, blocks.size());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, blocks.get(0).der());
        assertArrayEquals(new byte[] {5, 6}, blocks.get(1).der());
    }

    @Test
    void textWithoutBlocksIsRejectedNamingTheSource() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pem.read(ascii("hello"), "key.pem"));
        assertTrue(e.getMessage().startsWith("key.pem: no PEM block"), e.getMessage());
    }

    @Test
    void mismatchedEndLabelIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pem.read(ascii(
                "-----BEGIN CERTIFICATE-----\nAQID\n-----END PRIVATE KEY-----\n"), "c.pem"));
        assertTrue(e.getMessage().contains("ends with END PRIVATE KEY"), e.getMessage());
    }

    @Test
    void invalidBase64IsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pem.read(ascii(
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), "c.pem"));
        assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
    }

    @Test
    void legacyEncryptedBlocksAreRejectedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pem.read(ascii(
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAQID\n"
                        + "-----END RSA PRIVATE KEY-----\n"), "k.pem"));
        assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
    }
}
