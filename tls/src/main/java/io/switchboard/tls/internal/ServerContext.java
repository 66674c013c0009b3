package io.switchboard.tls.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

/**
 * The server side's TLS state, built from PEM files: an {@link SSLContext} for new handshakes,
 * rebuilt when the files change. Each accepted connection asks for the current context on its
 * own thread, so live sessions keep the context they started with, and a rebuilt context
 * (fresh session cache and ticket keys) makes clients do a full handshake and see the new
 * certificate. Thread-safe; rebuilds are serialised by a lock.
 */
public final class ServerContext {

    private static final System.Logger LOG = System.getLogger(ServerContext.class.getName());

    /** What the server was configured with; immutable. */
    public record Config(Path certificateChain, Path privateKey, char[] keyPassword, Path clientCa,
            boolean needClientAuth, boolean wantClientAuth, List<String> protocols, List<String> cipherSuites,
            Duration handshakeTimeout) {
        public Config {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            keyPassword = keyPassword == null ? null : keyPassword.clone();
            protocols = List.copyOf(protocols);
            cipherSuites = List.copyOf(cipherSuites);
        }
    }

    /** The loaded files' identity (modification time and size each) and the context from them. */
    private record State(List<String> stamp, SSLContext context) {
    }

    private final Config config;
    private final ReentrantLock reloading = new ReentrantLock();
    /** The context new handshakes use; replaced only whole, under {@link #reloading}. */
    private volatile State current;
    /** The stamp of files that last failed to load, so a broken update is reported once. */
    private volatile List<String> failedStamp = List.of();

    /**
     * Loads the files and checks the configuration.
     *
     * @throws IllegalArgumentException naming the file and the problem, or the unsupported
     *     protocol or cipher suite
     */
    public ServerContext(Config config) {
        this.config = config;
        this.current = load();
        SSLParameters supported = current.context().getSupportedSSLParameters();
        checkSupported("protocol", config.protocols(), supported.getProtocols());
        checkSupported("cipher suite", config.cipherSuites(), supported.getCipherSuites());
    }

    private static void checkSupported(String what, List<String> wanted, String[] supported) {
        List<String> known = Arrays.asList(supported);
        for (String name : wanted) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unsupported TLS " + what + " " + name + "; this JDK supports "
                        + known);
            }
        }
    }

    public Duration handshakeTimeout() {
        return config.handshakeTimeout();
    }

    /**
     * A server-mode engine from the current context (reloaded first if the files changed), with
     * the configured protocols, cipher suites and client authentication. The handshake has not
     * started.
     */
    public SSLEngine engine() {
        refreshIfChanged();
        SSLEngine engine = current.context().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(config.protocols().toArray(String[]::new));
        if (!config.cipherSuites().isEmpty()) {
            parameters.setCipherSuites(config.cipherSuites().toArray(String[]::new));
        }
        if (config.needClientAuth()) {
            parameters.setNeedClientAuth(true);
        } else if (config.wantClientAuth()) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * Reloads the files now; new handshakes use them.
     *
     * @throws IllegalArgumentException if they do not load; the previous ones stay in use
     */
    public void reload() {
        reloading.lock();
        try {
            current = load();
            failedStamp = List.of();
        } finally {
            reloading.unlock();
        }
    }

    /** Reloads when a file's modification time or size changed; a failure keeps the old context. */
    private void refreshIfChanged() {
        List<String> stamp = stamp();
        if (stamp.equals(current.stamp()) || stamp.equals(failedStamp)) {
            return;
        }
        reloading.lock();
        try {
            stamp = stamp();
            if (stamp.equals(current.stamp()) || stamp.equals(failedStamp)) {
                return;
            }
            try {
                current = load();
                LOG.log(Level.INFO, "reloaded the TLS certificate from {0}", config.certificateChain());
            } catch (IllegalArgumentException e) {
                failedStamp = stamp;
                LOG.log(Level.WARNING, "keeping the previous TLS certificate: {0}", e.getMessage());
            }
        } finally {
            reloading.unlock();
        }
    }

    private State load() {
        List<String> stamp = stamp();
        KeyMaterial material = KeyMaterial.read(
                Certificates.readFile(config.certificateChain()), config.certificateChain().toString(),
                Certificates.readFile(config.privateKey()), config.privateKey().toString(), config.keyPassword());
        TrustManager[] trust = null;
        if (config.clientCa() != null) {
            byte[] pem = Certificates.readFile(config.clientCa());
            trust = new TrustManager[] {Certificates.trusting(Certificates.read(pem, config.clientCa().toString()))};
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {material.keyManager()}, trust, new SecureRandom());
            return new State(stamp, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS context: " + e, e);
        }
    }

    private List<String> stamp() {
        List<String> stamp = new ArrayList<>(3);
        for (Path file : Arrays.asList(config.certificateChain(), config.privateKey(), config.clientCa())) {
            if (file != null) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    stamp.add(attributes.lastModifiedTime() + "/" + attributes.size());
                } catch (IOException e) {
                    stamp.add("unreadable");
                }
            }
        }
        return List.copyOf(stamp);
    }
}
