package io.switchboard.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What each {@link WebSocketOptions} value may be: the checks {@link WebSocketOptions.Builder}
 * applies as a value is set, so that a bad value fails at once with an {@link
 * IllegalArgumentException} naming the option, never later inside a server or client. Each
 * returns the value it accepted. Stateless.
 */
final class OptionRules {

    /** The longest duration the timers can count in nanoseconds: about 292 years. */
    private static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);
    /** The separators that may not appear in an HTTP token (RFC 9110 §5.6.2). */
    private static final String SEPARATORS = "\"(),/:;<=>?@[\\]{}";

    private OptionRules() {
    }

    static long maxMessageSize(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + bytes);
        }
        return bytes;
    }

    static int maxHandshakeSize(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("maxHandshakeSize must be at least 256, got " + bytes);
        }
        return bytes;
    }

    static int expressThreads(int threads) {
        if (threads < -1) {
            throw new IllegalArgumentException("expressThreads must be -1 (one per CPU), 0 (none) or more: " + threads);
        }
        return threads;
    }

    static int compressionWindowBits(int bits) {
        if (bits < 8 || bits > 15) {
            throw new IllegalArgumentException("compression window bits must be 8-15, got " + bits);
        }
        return bits;
    }

    static int compressionMemoryLevel(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("compression memory level must be 1-9, got " + level);
        }
        return level;
    }

    /** An unmodifiable copy of {@code protocols}, each an HTTP token as {@code Sec-WebSocket-Protocol} needs. */
    static List<String> subProtocols(List<String> protocols) {
        for (String p : protocols) {
            if (p.isEmpty() || !p.chars().allMatch(c -> c > 0x20 && c < 0x7F && SEPARATORS.indexOf(c) < 0)) {
                throw new IllegalArgumentException("sub-protocol must be an HTTP token, got '" + p + "'");
            }
        }
        return List.copyOf(protocols);
    }

    static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return notTooLong(name, d);
    }

    static Duration notNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
        return notTooLong(name, d);
    }

    private static Duration notTooLong(String name, Duration d) {
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX + " (about 292 years), got " + d);
        }
        return d;
    }
}
