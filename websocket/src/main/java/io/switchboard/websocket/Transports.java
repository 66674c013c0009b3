package io.switchboard.websocket;

import io.switchboard.api.spi.Transport;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the default plain or secure {@link Transport} through {@link ServiceLoader}. */
final class Transports {

    private Transports() {
    }

    /**
     * The first transport on the module path (or class path) whose {@link Transport#isSecure()}
     * is {@code secure}: TCP for {@code ws://}, TLS for {@code wss://}.
     *
     * @throws IllegalStateException naming the missing module if there is none
     */
    static Transport find(boolean secure) {
        return first(ServiceLoader.load(Transport.class, Transports.class.getClassLoader()), secure)
                .or(() -> first(ServiceLoader.load(Transport.class), secure))
                .orElseThrow(() -> new IllegalStateException(secure
                        ? "no secure io.switchboard.api.spi.Transport found; put the io.switchboard.tls module "
                                + "on the module path or pass a TLS Transport explicitly"
                        : "no io.switchboard.api.spi.Transport found; put the io.switchboard.transport module "
                                + "on the module path or pass a Transport explicitly"));
    }

    private static Optional<Transport> first(ServiceLoader<Transport> loader, boolean secure) {
        return loader.stream().map(ServiceLoader.Provider::get).filter(t -> t.isSecure() == secure).findFirst();
    }
}
