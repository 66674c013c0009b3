package io.switchboard.tls.internal;

import io.switchboard.tls.ClientAuth;
import io.switchboard.tls.TlsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds a {@link TlsServer} from configuration properties (the launcher passes its flags as
 * framework properties): {@value #CERT}, {@value #KEY}, {@value #KEY_PASSWORD},
 * {@value #CLIENT_CA}, {@value #CLIENT_AUTH} ({@code need} or {@code want}, default
 * {@code need} when a client CA is given), {@value #PROTOCOLS} and {@value #CIPHER_SUITES}
 * (comma-separated), {@value #HANDSHAKE_TIMEOUT} (milliseconds). Stateless.
 */
public final class ServerProperties {

    public static final String CERT = "switchboard.tls.cert";
    public static final String KEY = "switchboard.tls.key";
    public static final String KEY_PASSWORD = "switchboard.tls.keyPassword";
    public static final String CLIENT_CA = "switchboard.tls.clientCa";
    public static final String CLIENT_AUTH = "switchboard.tls.clientAuth";
    public static final String PROTOCOLS = "switchboard.tls.protocols";
    public static final String CIPHER_SUITES = "switchboard.tls.cipherSuites";
    public static final String HANDSHAKE_TIMEOUT = "switchboard.tls.handshakeTimeout";

    private ServerProperties() {
    }

    /**
     * The server the properties describe, or empty when neither {@value #CERT} nor {@value #KEY}
     * is set.
     *
     * @param properties looks a property up; null or blank means unset
     * @throws IllegalArgumentException with one message naming the property or file at fault
     */
    public static Optional<TlsServer> server(Function<String, String> properties) {
        Function<String, Optional<String>> get = name -> Optional.ofNullable(properties.apply(name))
                .map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> cert = get.apply(CERT);
        Optional<String> key = get.apply(KEY);
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("TLS needs both " + CERT + " and " + KEY + "; only "
                    + (cert.isPresent() ? CERT : KEY) + " is set");
        }
        TlsServer.Builder builder = TlsServer.builder(Path.of(cert.get()), Path.of(key.get()));
        get.apply(KEY_PASSWORD).ifPresent(builder::keyPassword);
        Optional<String> clientAuth = get.apply(CLIENT_AUTH);
        Optional<String> clientCa = get.apply(CLIENT_CA);
        if (clientCa.isPresent()) {
            String mode = clientAuth.orElse("need").toUpperCase(Locale.ROOT);
            if (!mode.equals("NEED") && !mode.equals("WANT")) {
                throw new IllegalArgumentException(CLIENT_AUTH + " must be need or want, got " + clientAuth.get());
            }
            builder.clientAuth(Path.of(clientCa.get()), ClientAuth.valueOf(mode));
        } else if (clientAuth.isPresent() && !clientAuth.get().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException(CLIENT_AUTH + "=" + clientAuth.get() + " needs " + CLIENT_CA);
        }
        get.apply(PROTOCOLS).ifPresent(v -> builder.protocols(split(v)));
        get.apply(CIPHER_SUITES).ifPresent(v -> builder.cipherSuites(split(v)));
        get.apply(HANDSHAKE_TIMEOUT).ifPresent(v -> {
            try {
                builder.handshakeTimeout(Duration.ofMillis(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(HANDSHAKE_TIMEOUT + " must be milliseconds, got " + v);
            }
        });
        return Optional.of(builder.build());
    }

    private static String[] split(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }
}
