package io.switchboard.websocket;

import io.switchboard.api.SubProtocolSelector;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Per-path settings of a {@link WebSocketServer} route: how the sub-protocol is chosen, a
 * message size limit that overrides the server's, an {@code Origin} allow-list that
 * protects browsers' users from cross-site WebSocket hijacking (a request whose {@code Origin}
 * is not listed gets 403; requests without {@code Origin}, i.e. not from browsers, pass), and
 * whether permessage-deflate is negotiated, overriding the server's {@link
 * WebSocketOptions#compression()}. Inside a framework they come from the handler service's
 * {@link io.switchboard.api.HandlerProperties}. Immutable.
 */
public final class RouteOptions {

    private static final RouteOptions DEFAULTS = new RouteOptions(null, -1, Set.of(), null);

    private final SubProtocolSelector selector;
    private final long maxMessageSize;
    private final Set<String> allowedOrigins;
    /** Null: the server's setting. */
    private final Boolean compression;

    private RouteOptions(SubProtocolSelector selector, long maxMessageSize, Set<String> allowedOrigins,
            Boolean compression) {
        this.selector = selector;
        this.maxMessageSize = maxMessageSize;
        this.allowedOrigins = allowedOrigins;
        this.compression = compression;
    }

    /** No selector, the server's size limit, any origin, the server's compression setting. */
    public static RouteOptions defaults() {
        return DEFAULTS;
    }

    /** These options choosing the sub-protocol with {@code selector}. */
    public RouteOptions subProtocols(SubProtocolSelector selector) {
        return new RouteOptions(selector, maxMessageSize, allowedOrigins, compression);
    }

    /** These options with a message size limit of {@code bytes} for this path. */
    public RouteOptions maxMessageSize(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + bytes);
        }
        return new RouteOptions(selector, bytes, allowedOrigins, compression);
    }

    /**
     * These options accepting only requests whose {@code Origin} header is one of {@code
     * origins} (exact, e.g. {@code https://example.com}), or that carry no {@code Origin}.
     */
    public RouteOptions allowedOrigins(Set<String> origins) {
        return new RouteOptions(selector, maxMessageSize, Set.copyOf(origins), compression);
    }

    /**
     * These options negotiating permessage-deflate (RFC 7692) on this path when {@code on},
     * or never when not, whatever the server's {@link WebSocketOptions#compression()} says.
     */
    public RouteOptions compression(boolean on) {
        return new RouteOptions(selector, maxMessageSize, allowedOrigins, on);
    }

    /** The sub-protocol selector, if any. */
    public Optional<SubProtocolSelector> selector() {
        return Optional.ofNullable(selector);
    }

    /** The per-path message size limit, if set. */
    public OptionalLong maxMessageSize() {
        return maxMessageSize < 0 ? OptionalLong.empty() : OptionalLong.of(maxMessageSize);
    }

    /** The allowed origins; empty means any. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Whether this path negotiates permessage-deflate, if set; empty means the server's setting. */
    public Optional<Boolean> compression() {
        return Optional.ofNullable(compression);
    }
}
