package io.switchboard.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.tls.TestPki;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every supported key format decodes to the same key; bad inputs name the source and the problem. */
class PrivateKeysTest {

    static Issued rsa;
    static Issued ec;

    @BeforeAll
    static void makeKeys() {
        rsa = TestPki.ca("RSA", Algorithm.RSA);
        ec = TestPki.ca("EC", Algorithm.EC);
    }

    private static PrivateKey read(String pem, String password) {
        return PrivateKeys.read(pem.getBytes(StandardCharsets.US_ASCII),
                password == null ? null : password.toCharArray(), "key.pem");
    }

    private static String failure(String pem, String password) {
        return assertThrows(IllegalArgumentException.class, () -> read(pem, password)).getMessage();
    }

    @Test
    void pkcs8RsaKeyLoads() {
        assertArrayEquals(rsa.keys().getPrivate().getEncoded(), read(rsa.pkcs8Pem(), null).getEncoded());
    }

    @Test
    void pkcs8EcKeyLoads() {
        assertArrayEquals(ec.keys().getPrivate().getEncoded(), read(ec.pkcs8Pem(), null).getEncoded());
    }

    @Test
    void encryptedPkcs8KeyLoadsWithItsPassword() {
        assertArrayEquals(rsa.keys().getPrivate().getEncoded(),
                read(rsa.encryptedPkcs8Pem("correct horse"), "correct horse").getEncoded());
        assertArrayEquals(ec.keys().getPrivate().getEncoded(), read(ec.encryptedPkcs8Pem("pw"), "pw").getEncoded());
    }

    @Test
    void pbes1EncryptedPkcs8KeyLoadsWithItsPassword() throws Exception {
        // As "openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES" writes it: PBES1 (PKCS#12 PBE), not PBES2.
        String scheme = "PBEWithSHA1AndDESede";
        char[] password = "pw".toCharArray();
        Cipher cipher = Cipher.getInstance(scheme);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password)),
                new PBEParameterSpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 2048));
        byte[] encrypted = new EncryptedPrivateKeyInfo(cipher.getParameters(),
                cipher.doFinal(rsa.keys().getPrivate().getEncoded())).getEncoded();
        assertArrayEquals(rsa.keys().getPrivate().getEncoded(),
                read(TestPki.pem("ENCRYPTED PRIVATE KEY", encrypted), "pw").getEncoded());
        assertEquals("key.pem: wrong password for the encrypted private key",
                failure(TestPki.pem("ENCRYPTED PRIVATE KEY", encrypted), "wrong"));
    }

    @Test
    void rsaPkcs1KeyIsWrappedInPkcs8() {
        // The JDK's PKCS#8 encoding of an RSA key is exactly the wrapper built by hand.
        assertArrayEquals(rsa.keys().getPrivate().getEncoded(), read(rsa.pkcs1Pem(), null).getEncoded());
    }

    @Test
    void ecSec1KeyIsWrappedInPkcs8WithItsCurve() {
        PrivateKey key = read(ec.sec1Pem(true), null);
        ECPrivateKey original = (ECPrivateKey) ec.keys().getPrivate();
        assertEquals(original.getS(), ((ECPrivateKey) key).getS());
        assertEquals(original.getParams().getCurve(), ((ECPrivateKey) key).getParams().getCurve());
    }

    @Test
    void aPasswordForAnUnencryptedKeyIsIgnored() {
        assertArrayEquals(ec.keys().getPrivate().getEncoded(), read(ec.pkcs8Pem(), "unused").getEncoded());
    }

    @Test
    void ecSec1KeyWithoutACurveIsRejectedWithAHint() {
        String message = failure(ec.sec1Pem(false), null);
        assertTrue(message.startsWith("key.pem: the EC PRIVATE KEY names no curve"), message);
    }

    @Test
    void encryptedKeyWithoutAPasswordAsksForOne() {
        assertEquals("key.pem: the private key is encrypted; a password is needed",
                failure(ec.encryptedPkcs8Pem("pw"), null));
    }

    @Test
    void encryptedKeyWithAWrongPasswordSaysSo() {
        assertEquals("key.pem: wrong password for the encrypted private key",
                failure(rsa.encryptedPkcs8Pem("right"), "wrong"));
    }

    @Test
    void aBlockWithGarbageInsteadOfAKeyIsRejected() {
        String message = failure(TestPki.pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}), null);
        assertTrue(message.startsWith("key.pem: the PRIVATE KEY block is not a valid key"), message);
        message = failure(TestPki.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}), null);
        assertTrue(message.startsWith("key.pem: the RSA PRIVATE KEY block is not a valid"), message);
    }

    @Test
    void aPemFileWithoutAKeySaysWhatItHolds() {
        String message = failure(rsa.certificatePem(), null);
        assertTrue(message.startsWith("key.pem: no private key found") && message.endsWith("[CERTIFICATE]"), message);
    }

    @Test
    void textThatIsNotPemIsRejected() {
        assertTrue(failure("not a key", null).startsWith("key.pem: no PEM block"));
    }
}
