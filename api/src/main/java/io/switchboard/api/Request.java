package io.switchboard.api;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP upgrade request that opened a WebSocket (RFC 6455 §4.1), as the server received it
 * or as the client sent it; also a plain {@code GET} or {@code HEAD} request that an {@link
 * HttpHandler} answers. Immutable and safe to share between threads.
 */
public interface Request {

    /** The request method; always {@code GET} for an accepted upgrade, {@code GET} or {@code HEAD} for an {@link HttpHandler}. */
    String method();

    /** The request target's path, percent-decoded, e.g. {@code /chat/room 1}. */
    String path();

    /** The raw query string without the {@code ?}, or empty if the target had none. */
    Optional<String> rawQuery();

    /** Every query parameter, percent-decoded, in order of appearance. */
    Map<String, List<String>> queryParameters();

    /** The first value of query parameter {@code name}, or empty. */
    default Optional<String> queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** All header fields of the request. */
    Headers headers();

    /** The first value of header {@code name} (any case), or empty; never throws for an absent name. */
    default Optional<String> header(String name) {
        return headers().first(name);
    }

    /** The peer's address: the client's on the server side, the server's on the client side. */
    SocketAddress remoteAddress();

    /** This end's address of the connection. */
    SocketAddress localAddress();
}
