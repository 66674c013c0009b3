package io.switchboard.websocket;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of a {@link WebSocketServer} or {@link WebSocketClient}. Immutable; make
 * one with {@link #builder()}, or use {@link #defaults()}. Every default is defined here, once.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>applies to</th></tr>
 * <tr><td>{@link #maxMessageSize()}</td><td>16 MiB</td><td>both; larger messages close with 1009</td></tr>
 * <tr><td>{@link #closeTimeout()}</td><td>5 s</td><td>both; wait for the peer's close frame</td></tr>
 * <tr><td>{@link #handshakeTimeout()}</td><td>10 s</td><td>both; time to receive the HTTP head</td></tr>
 * <tr><td>{@link #maxHandshakeSize()}</td><td>8 KiB</td><td>server; larger heads get 431</td></tr>
 * <tr><td>{@link #connectTimeout()}</td><td>10 s</td><td>client; TCP connect</td></tr>
 * <tr><td>{@link #drainTimeout()}</td><td>30 s</td><td>server; sessions of a removed handler</td></tr>
 * <tr><td>{@link #handoverGrace()}</td><td>2 s</td><td>server; handshakes wait for a replaced handler</td></tr>
 * </table>
 */
public final class WebSocketOptions {

    /** Default {@link #maxMessageSize()}: 16 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;
    /** Default {@link #closeTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #handshakeTimeout()}: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #maxHandshakeSize()}: 8 KiB for the request line and headers. */
    public static final int DEFAULT_MAX_HANDSHAKE_SIZE = 8 * 1024;
    /** Default {@link #connectTimeout()}: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@link #drainTimeout()}: 30 seconds. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link #handoverGrace()}: 2 seconds. */
    public static final Duration DEFAULT_HANDOVER_GRACE = Duration.ofSeconds(2);

    private static final WebSocketOptions DEFAULTS = builder().build();

    private final long maxMessageSize;
    private final Duration closeTimeout;
    private final Duration handshakeTimeout;
    private final int maxHandshakeSize;
    private final Duration connectTimeout;
    private final Duration drainTimeout;
    private final Duration handoverGrace;

    private WebSocketOptions(Builder b) {
        this.maxMessageSize = b.maxMessageSize;
        this.closeTimeout = b.closeTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxHandshakeSize = b.maxHandshakeSize;
        this.connectTimeout = b.connectTimeout;
        this.drainTimeout = b.drainTimeout;
        this.handoverGrace = b.handoverGrace;
    }

    /** The options with every default. */
    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxMessageSize = maxMessageSize;
        b.closeTimeout = closeTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.maxHandshakeSize = maxHandshakeSize;
        b.connectTimeout = connectTimeout;
        b.drainTimeout = drainTimeout;
        b.handoverGrace = handoverGrace;
        return b;
    }

    /** The largest message payload accepted, in bytes; a larger one closes the connection with 1009. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** How long to wait for the peer's close frame after sending ours, then drop the connection. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** How long the HTTP upgrade request (server) or response (client) may take to arrive. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The largest request line plus headers the server reads; beyond it the answer is 431. */
    public int maxHandshakeSize() {
        return maxHandshakeSize;
    }

    /** How long the client's TCP connect may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long the live sessions of a removed handler may go on by themselves before they are
     * closed: with 1012 (service restart) if another handler took over the path by then, else
     * with 1001 (going away). Lets a handler be replaced without dropping its users.
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * How long a handshake for a path whose handler was just removed waits for a replacement
     * before it is answered 404, so that replacing a handler fails no handshake.
     */
    public Duration handoverGrace() {
        return handoverGrace;
    }

    @Override
    public String toString() {
        return "WebSocketOptions[maxMessageSize=" + maxMessageSize + ", closeTimeout=" + closeTimeout
                + ", handshakeTimeout=" + handshakeTimeout + ", maxHandshakeSize=" + maxHandshakeSize
                + ", connectTimeout=" + connectTimeout + ", drainTimeout=" + drainTimeout
                + ", handoverGrace=" + handoverGrace + "]";
    }

    /** Builds {@link WebSocketOptions}. Not thread-safe. */
    public static final class Builder {
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int maxHandshakeSize = DEFAULT_MAX_HANDSHAKE_SIZE;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Duration handoverGrace = DEFAULT_HANDOVER_GRACE;

        private Builder() {
        }

        /** @see WebSocketOptions#maxMessageSize() */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxMessageSize must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** @see WebSocketOptions#closeTimeout() */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive("closeTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#handshakeTimeout() */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive("handshakeTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#maxHandshakeSize() */
        public Builder maxHandshakeSize(int bytes) {
            if (bytes < 256) {
                throw new IllegalArgumentException("maxHandshakeSize must be at least 256, got " + bytes);
            }
            this.maxHandshakeSize = bytes;
            return this;
        }

        /** @see WebSocketOptions#connectTimeout() */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#drainTimeout() */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = notNegative("drainTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#handoverGrace() */
        public Builder handoverGrace(Duration grace) {
            this.handoverGrace = notNegative("handoverGrace", grace);
            return this;
        }

        public WebSocketOptions build() {
            return new WebSocketOptions(this);
        }

        private static Duration notNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + d);
            }
            return d;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
