package io.switchboard.websocket;

import io.switchboard.api.spi.Transport;
import java.util.ServiceLoader;

/** Finds the default {@link Transport} through {@link ServiceLoader}. */
final class Transports {

    private Transports() {
    }

    /**
     * The first transport on the module path (or class path).
     *
     * @throws IllegalStateException naming the missing module if there is none
     */
    static Transport find() {
        return ServiceLoader.load(Transport.class, Transports.class.getClassLoader()).findFirst()
                .or(() -> ServiceLoader.load(Transport.class).findFirst())
                .orElseThrow(() -> new IllegalStateException(
                        "no io.switchboard.api.spi.Transport found; put the io.switchboard.transport module "
                                + "on the module path or pass a Transport explicitly"));
    }
}
