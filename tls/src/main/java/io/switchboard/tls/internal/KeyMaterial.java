package io.switchboard.tls.internal;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate chain and its private key, checked to belong together, and the key manager
 * that presents them. Immutable and thread-safe.
 *
 * @param chain the leaf certificate first
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    /** The only alias the key manager knows. */
    private static final String ALIAS = "switchboard";

    /** Signature algorithms to prove a key pair, by key algorithm (RSA is compared directly). */
    private static final Map<String, String> PROOF = Map.of(
            "EC", "SHA256withECDSA", "EdDSA", "EdDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "DSA", "SHA256withDSA");

    public KeyMaterial {
        chain = List.copyOf(chain);
    }

    /**
     * Reads a chain and a key from PEM text and checks that the key is the leaf's.
     *
     * @throws IllegalArgumentException naming the source and the problem
     */
    public static KeyMaterial read(byte[] chainPem, String chainSource, byte[] keyPem, String keySource,
            char[] password) {
        List<X509Certificate> chain = Certificates.read(chainPem, chainSource);
        PrivateKey key = PrivateKeys.read(keyPem, password, keySource);
        if (!matches(chain.get(0).getPublicKey(), key)) {
            throw new IllegalArgumentException(keySource + ": the private key does not match the certificate "
                    + chain.get(0).getSubjectX500Principal().getName() + " in " + chainSource);
        }
        return new KeyMaterial(chain, key);
    }

    private static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
        if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
            return false;
        }
        if (publicKey instanceof RSAKey rsaPublic) {
            return privateKey instanceof RSAKey rsaPrivate && rsaPublic.getModulus().equals(rsaPrivate.getModulus());
        }
        String algorithm = PROOF.get(privateKey.getAlgorithm());
        if (algorithm == null) {
            return true; // no way to prove it here; a wrong key fails every handshake instead
        }
        try {
            byte[] probe = "switchboard key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A key manager presenting this chain, for key types matching the key's algorithm. */
    public X509ExtendedKeyManager keyManager() {
        return new Manager(this);
    }

    /** Presents one chain under one alias. Immutable and thread-safe. */
    private static final class Manager extends X509ExtendedKeyManager {
        private final KeyMaterial material;
        private final X509Certificate[] chain;

        Manager(KeyMaterial material) {
            this.material = material;
            this.chain = material.chain().toArray(X509Certificate[]::new);
        }

        private boolean fits(String keyType) {
            return keyType != null && keyType.equals(material.key().getAlgorithm());
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return keyTypes != null && Arrays.stream(keyTypes).anyMatch(this::fits) ? ALIAS : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return fits(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? material.key() : null;
        }
    }
}
