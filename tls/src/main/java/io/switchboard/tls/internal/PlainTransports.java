package io.switchboard.tls.internal;

import io.switchboard.api.spi.Transport;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the plain transport TLS runs over when none is given: the first {@link Transport} that
 * is not {@linkplain Transport#isSecure() secure} found through {@link ServiceLoader} (the
 * {@code io.switchboard.transport} module's TCP and Unix-domain sockets). Inside a framework,
 * where {@code ServiceLoader} sees no other bundle, the tls bundle's activator passes the TCP
 * transport service instead. Stateless.
 */
public final class PlainTransports {

    /** The one found first; found again until one is (a module may be added to a layer later). */
    private static volatile Transport found;

    private PlainTransports() {
    }

    /**
     * {@code given}, checked to be plain, or when null the first plain transport found (once).
     *
     * @throws IllegalArgumentException if {@code given} is secure: TLS does not run over TLS
     * @throws IllegalStateException if none was given and none is found
     */
    public static Transport orFound(Transport given) {
        if (given != null) {
            return requirePlain(given);
        }
        Transport t = found;
        if (t == null) {
            t = find();
            found = t;
        }
        return t;
    }

    /** {@code transport}, if it is plain; else IllegalArgumentException. */
    public static Transport requirePlain(Transport transport) {
        if (transport.isSecure()) {
            throw new IllegalArgumentException("TLS runs over a plain transport, not over " + transport);
        }
        return transport;
    }

    /**
     * The first plain transport on the module or class path.
     *
     * @throws IllegalStateException naming the missing module if there is none
     */
    static Transport find() {
        return first(ServiceLoader.load(Transport.class, PlainTransports.class.getClassLoader()))
                .or(() -> first(ServiceLoader.load(Transport.class)))
                .orElseThrow(() -> new IllegalStateException("TLS runs over a plain transport and none was found: "
                        + "put the io.switchboard.transport module on the module path (or class path), or pass "
                        + "one with over(transport)"));
    }

    private static Optional<Transport> first(ServiceLoader<Transport> loader) {
        try {
            return loader.stream().map(ServiceLoader.Provider::get).filter(t -> !t.isSecure()).findFirst();
        } catch (ServiceConfigurationError e) {
            return Optional.empty();
        }
    }
}
