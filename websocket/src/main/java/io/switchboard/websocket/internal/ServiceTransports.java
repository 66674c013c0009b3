package io.switchboard.websocket.internal;

import io.switchboard.api.spi.Transport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The client transports a framework offers as services, for {@code WebSocketClient}s made
 * without an explicit transport inside a framework, where {@code ServiceLoader} cannot see other
 * bundles. The websocket bundle's activator adds and removes them; on the module path this stays
 * empty. Thread-safe.
 */
public final class ServiceTransports {

    private static final List<Transport> TRANSPORTS = new CopyOnWriteArrayList<>();

    private ServiceTransports() {
    }

    /** Offers {@code transport} to clients, after those offered before it. */
    public static void add(Transport transport) {
        TRANSPORTS.add(transport);
    }

    /** Withdraws {@code transport}; clients already connected over it keep their connections. */
    public static void remove(Transport transport) {
        TRANSPORTS.remove(transport);
    }

    /** The first transport offered whose {@link Transport#isSecure()} is {@code secure}. */
    public static Optional<Transport> first(boolean secure) {
        return TRANSPORTS.stream().filter(t -> t.isSecure() == secure).findFirst();
    }
}
