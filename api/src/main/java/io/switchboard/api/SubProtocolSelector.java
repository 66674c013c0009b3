package io.switchboard.api;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the sub-protocol of a WebSocket connection (RFC 6455 §4.2.2, {@code
 * Sec-WebSocket-Protocol}) from the ones the client offered.
 */
@FunctionalInterface
public interface SubProtocolSelector {

    /**
     * Returns one of {@code offered}, or empty to select none (the response then carries no
     * {@code Sec-WebSocket-Protocol} header).
     *
     * @param offered every protocol the client proposed, from all field lines, in order;
     *     possibly empty
     */
    Optional<String> select(List<String> offered);

    /** A selector that picks the first offered protocol that is in {@code supported}. */
    static SubProtocolSelector preferring(List<String> supported) {
        List<String> copy = List.copyOf(supported);
        return offered -> offered.stream().filter(copy::contains).findFirst();
    }
}
