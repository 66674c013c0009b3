package io.switchboard.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at run time for the tests (BouncyCastle builds them; the JDK makes the
 * keys), written as PEM. No private key is ever committed.
 */
public final class TestPki {

    /** The key algorithms the tests use. */
    public enum Algorithm {
        RSA("RSA", 2048, "SHA256withRSA"),
        EC("EC", 256, "SHA256withECDSA"),
        /** Ed25519 (RFC 8410): its size is fixed, so {@code size} is unused. */
        ED25519("Ed25519", 0, "Ed25519");

        final String name;
        final int size;
        final String signature;

        Algorithm(String name, int size, String signature) {
            this.name = name;
            this.size = size;
            this.signature = signature;
        }
    }

    /** A certificate with its key pair; the issuer signs further certificates. */
    public record Issued(X509Certificate certificate, KeyPair keys, Algorithm algorithm) {

        /** A certificate signed by this one. */
        public Issued issue(String commonName, Algorithm algorithm, Usage usage, String... subjectAltNames) {
            return create(this, commonName, algorithm, usage, subjectAltNames);
        }

        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** PKCS#8, {@code BEGIN PRIVATE KEY}. */
        public String pkcs8Pem() {
            return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        }

        /** Encrypted PKCS#8 (PBES2, AES-256-CBC, HMAC-SHA256), {@code BEGIN ENCRYPTED PRIVATE KEY}. */
        public String encryptedPkcs8Pem(String password) {
            try {
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(2048)
                        .setProvider(BC).setPassword(password.toCharArray()).build();
                return pem("ENCRYPTED PRIVATE KEY", new JcaPKCS8Generator(keys.getPrivate(), encryptor).generate()
                        .getContent());
            } catch (OperatorCreationException | org.bouncycastle.util.io.pem.PemGenerationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** RSA PKCS#1, {@code BEGIN RSA PRIVATE KEY}. */
        public String pkcs1Pem() {
            try {
                return pem("RSA PRIVATE KEY", info(keys.getPrivate()).parsePrivateKey().toASN1Primitive().getEncoded());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** EC SEC1, {@code BEGIN EC PRIVATE KEY}, with the named curve (as OpenSSL writes it) or without. */
        public String sec1Pem(boolean withCurve) {
            try {
                PrivateKeyInfo info = info(keys.getPrivate());
                BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
                ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
                ECPrivateKey sec1 = withCurve ? new ECPrivateKey(256, d, curve) : new ECPrivateKey(256, d);
                return pem("EC PRIVATE KEY", sec1.getEncoded());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What a certificate is for. */
    public enum Usage { CA, SERVER, CLIENT }

    /** BouncyCastle's provider for the encryption of test keys only; never installed JVM-wide. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** A self-signed CA. */
    public static Issued ca(String commonName, Algorithm algorithm) {
        return create(null, commonName, algorithm, Usage.CA);
    }

    private static Issued create(Issued issuer, String commonName, Algorithm algorithm, Usage usage,
            String... subjectAltNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.name);
            if (algorithm.size > 0) {
                generator.initialize(algorithm.size);
            }
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), subject, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(usage == Usage.CA));
            if (usage == Usage.CA) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(algorithm == Algorithm.RSA
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        usage == Usage.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            }
            if (subjectAltNames.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String name : subjectAltNames) {
                    boolean ip = name.chars().allMatch(c -> c == '.' || Character.isDigit(c)) || name.contains(":");
                    names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
            String signature = issuer == null ? algorithm.signature : issuer.algorithm().signature;
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(signature).build(signingKey)));
            return new Issued(certificate, keys, algorithm);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a test certificate: " + e, e);
        }
    }

    private static PrivateKeyInfo info(PrivateKey key) {
        return PrivateKeyInfo.getInstance(key.getEncoded());
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text (RFC 7468) of one block. */
    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Writes {@code text} to {@code dir/name} and returns the path. */
    public static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
