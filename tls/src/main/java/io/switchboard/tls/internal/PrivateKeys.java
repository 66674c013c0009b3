package io.switchboard.tls.internal;

import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Decodes a private key from PEM: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, RFC 5958 with PBES2 or PBES1), RSA PKCS#1
 * ({@code RSA PRIVATE KEY}, RFC 8017 A.1.2) and EC SEC1 ({@code EC PRIVATE KEY}, RFC 5915 with
 * a named curve). The last two are wrapped in a PKCS#8 structure by hand so the JDK's key
 * factories read them. Pure and stateless.
 */
public final class PrivateKeys {

    /** 1.2.840.113549.1.1.1 rsaEncryption (RFC 8017). */
    private static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 1, 1, 1};
    /** 1.2.840.10045.2.1 id-ecPublicKey (RFC 5480). */
    private static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 2, 1};

    /** Key algorithms by the OID in a PKCS#8 AlgorithmIdentifier. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.10040.4.1", "DSA");

    private static final List<String> KEY_LABELS =
            List.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

    private PrivateKeys() {
    }

    /**
     * The first private key in {@code pem}.
     *
     * @param password for an encrypted key; ignored for a plain one; may be null
     * @param source names the input in error messages, e.g. the file name
     * @throws IllegalArgumentException naming {@code source} and the problem: not PEM, no key
     *     block, encrypted without a password, a wrong password, or an unreadable key
     */
    public static PrivateKey read(byte[] pem, char[] password, String source) {
        List<Pem.Block> blocks = Pem.read(pem, source);
        Pem.Block block = blocks.stream().filter(b -> KEY_LABELS.contains(b.label())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(source + ": no private key found (expected BEGIN "
                        + String.join(", BEGIN ", KEY_LABELS) + "); the file holds "
                        + blocks.stream().map(Pem.Block::label).distinct().toList()));
        try {
            byte[] pkcs8 = switch (block.label()) {
                case "PRIVATE KEY" -> block.der();
                case "ENCRYPTED PRIVATE KEY" -> decrypt(block.der(), password, source);
                case "RSA PRIVATE KEY" -> wrap(algorithmIdentifier(Der.oidElement(RSA_ENCRYPTION), Der.nullElement()),
                        block.der());
                case "EC PRIVATE KEY" -> wrap(algorithmIdentifier(Der.oidElement(EC_PUBLIC_KEY),
                        Der.oidElement(sec1Curve(block.der(), source))), block.der());
                default -> throw new AssertionError(block.label());
            };
            return decode(pkcs8, source, block.label());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": the " + block.label() + " block is not a valid key: "
                    + e.getMessage());
        }
    }

    private static byte[] decrypt(byte[] der, char[] password, String source) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException(source + ": the private key is encrypted; a password is needed");
        }
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": the ENCRYPTED PRIVATE KEY block is malformed: "
                    + e.getMessage());
        }
        // For PBES2 the parameters name the real scheme, e.g. PBEWithHmacSHA256AndAES_256; a PBES1
        // scheme (e.g. PBEWithSHA1AndDESede) is the algorithm's own name, its parameters print salt and count.
        AlgorithmParameters parameters = info.getAlgParameters();
        String scheme = parameters != null && parameters.getAlgorithm().equalsIgnoreCase("PBES2")
                ? parameters.toString() : info.getAlgName();
        Cipher cipher;
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
            cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": the key's encryption " + scheme + " is not supported: "
                    + e.getMessage());
        }
        try {
            return info.getKeySpec(cipher).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": wrong password for the encrypted private key");
        }
    }

    /** The named-curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}. */
    private static byte[] sec1Curve(byte[] der, String source) {
        Der.Reader key = new Der.Reader(der).next(Der.SEQUENCE, "ECPrivateKey").children();
        key.next(Der.INTEGER, "version");
        key.next(Der.OCTET_STRING, "privateKey");
        while (key.hasNext()) {
            Der.Element e = key.next();
            if (e.tag() == Der.CONTEXT_0) {
                return e.children().next(Der.OBJECT_IDENTIFIER, "named curve").contents();
            }
        }
        throw new IllegalArgumentException(source + ": the EC PRIVATE KEY names no curve; convert it to PKCS#8 "
                + "(openssl pkcs8 -topk8 -nocrypt)");
    }

    private static byte[] algorithmIdentifier(byte[] oid, byte[] parameters) {
        return Der.element(Der.SEQUENCE, oid, parameters);
    }

    /** PrivateKeyInfo (RFC 5958): version 0, the algorithm, the key as an OCTET STRING. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return Der.element(Der.SEQUENCE, Der.integer(0), algorithm, Der.element(Der.OCTET_STRING, key));
    }

    private static PrivateKey decode(byte[] pkcs8, String source, String label) {
        Der.Reader info = new Der.Reader(pkcs8).next(Der.SEQUENCE, "PrivateKeyInfo").children();
        info.next(Der.INTEGER, "version");
        String oid = Der.oid(info.next(Der.SEQUENCE, "privateKeyAlgorithm").children()
                .next(Der.OBJECT_IDENTIFIER, "algorithm").contents());
        String algorithm = ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new IllegalArgumentException(source + ": unsupported private key algorithm " + oid);
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": the " + label + " block is not a valid " + algorithm
                    + " key: " + e.getMessage());
        }
    }
}
