package io.switchboard.websocket;

import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.internal.ServiceTransports;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the default plain or secure {@link Transport}: through {@link ServiceLoader} on the module
 * or class path, or among the transport services of the framework the websocket bundle runs in.
 */
final class Transports {

    private Transports() {
    }

    /**
     * The first transport on the module path (or class path), or else among the framework's
     * transport services, whose {@link Transport#isSecure()} is {@code secure}: TCP for
     * {@code ws://}, TLS for {@code wss://}.
     *
     * @throws IllegalStateException naming the missing module if there is none
     */
    static Transport find(boolean secure) {
        return first(ServiceLoader.load(Transport.class, Transports.class.getClassLoader()), secure)
                .or(() -> ServiceTransports.first(secure))
                .or(() -> first(ServiceLoader.load(Transport.class), secure))
                .orElseThrow(() -> new IllegalStateException(secure
                        ? "no secure io.switchboard.api.spi.Transport found; put the io.switchboard.tls module "
                                + "on the module path (or start its bundle) or pass a TLS Transport explicitly"
                        : "no io.switchboard.api.spi.Transport found; put the io.switchboard.transport module "
                                + "on the module path (or start its bundle) or pass a Transport explicitly"));
    }

    /**
     * The first provider of the right kind; none where the loader names providers of another
     * {@code Transport} class, as the context class loader does inside a framework.
     */
    private static Optional<Transport> first(ServiceLoader<Transport> loader, boolean secure) {
        try {
            return loader.stream().map(ServiceLoader.Provider::get).filter(t -> t.isSecure() == secure).findFirst();
        } catch (ServiceConfigurationError e) {
            return Optional.empty();
        }
    }
}
