package io.switchboard.websocket;

import io.switchboard.websocket.WebSocketOptions.SlowPeerPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The value of every {@link WebSocketOptions} option, held in one place: a {@link
 * WebSocketOptions.Builder} fills one, each {@link WebSocketOptions} keeps a copy of its own.
 * The defaults are the documented {@code DEFAULT_} constants of {@link WebSocketOptions}; the
 * values are checked by {@link OptionRules} before they are stored here.
 *
 * <p>Not thread-safe. The copy inside a {@code WebSocketOptions} is reached through a final field
 * and never written after the constructor, so the options are immutable and safely published.
 */
final class OptionValues implements Cloneable {

    long maxMessageSize = WebSocketOptions.DEFAULT_MAX_MESSAGE_SIZE;
    Duration closeTimeout = WebSocketOptions.DEFAULT_CLOSE_TIMEOUT;
    Duration handshakeTimeout = WebSocketOptions.DEFAULT_HANDSHAKE_TIMEOUT;
    int maxHandshakeSize = WebSocketOptions.DEFAULT_MAX_HANDSHAKE_SIZE;
    Duration connectTimeout = WebSocketOptions.DEFAULT_CONNECT_TIMEOUT;
    Duration drainTimeout = WebSocketOptions.DEFAULT_DRAIN_TIMEOUT;
    Duration handoverGrace = WebSocketOptions.DEFAULT_HANDOVER_GRACE;
    Duration pingInterval = WebSocketOptions.DEFAULT_PING_INTERVAL;
    int maxMissedPongs = WebSocketOptions.DEFAULT_MAX_MISSED_PONGS;
    Duration readTimeout = WebSocketOptions.DEFAULT_READ_TIMEOUT;
    Duration writeTimeout = WebSocketOptions.DEFAULT_WRITE_TIMEOUT;
    Duration idleThreshold = WebSocketOptions.DEFAULT_IDLE_THRESHOLD;
    int expressThreads = WebSocketOptions.DEFAULT_EXPRESS_THREADS;
    long outboundBudget = WebSocketOptions.DEFAULT_OUTBOUND_BUDGET;
    SlowPeerPolicy slowPeerPolicy = SlowPeerPolicy.BLOCK;
    int maxSessions = WebSocketOptions.DEFAULT_MAX_SESSIONS;
    List<String> subProtocols = List.of();
    /** Null: TCP. */
    Path unixSocket;
    boolean compression;
    long maxInboundMemory = WebSocketOptions.defaultMaxInboundMemory();
    int controlFrameRate = WebSocketOptions.DEFAULT_CONTROL_FRAME_RATE;
    int descriptorReserve = WebSocketOptions.DEFAULT_DESCRIPTOR_RESERVE;
    int maxConnectionsPerAddress;
    int maxHandshakesPerSecondPerAddress;
    int fragmentSize = WebSocketOptions.DEFAULT_FRAGMENT_SIZE;
    long maxStreamedMessageSize;
    int compressionWindowBits = WebSocketOptions.DEFAULT_COMPRESSION_WINDOW_BITS;
    int compressionMemoryLevel = WebSocketOptions.DEFAULT_COMPRESSION_MEMORY_LEVEL;
    boolean compressionContextTakeover = true;

    /**
     * An independent copy. A field-by-field copy is all it takes: every value is a primitive or
     * immutable (Duration, Path, an unmodifiable List, an enum constant).
     */
    OptionValues copy() {
        try {
            return (OptionValues) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e); // Cloneable
        }
    }

    /** Every option but the compression policy, which {@link WebSocketOptions#toString()} adds. */
    @Override
    public String toString() {
        return "maxMessageSize=" + maxMessageSize + ", closeTimeout=" + closeTimeout
                + ", handshakeTimeout=" + handshakeTimeout + ", maxHandshakeSize=" + maxHandshakeSize
                + ", connectTimeout=" + connectTimeout + ", drainTimeout=" + drainTimeout
                + ", handoverGrace=" + handoverGrace + ", pingInterval=" + pingInterval
                + ", maxMissedPongs=" + maxMissedPongs + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout  + ", idleThreshold=" + idleThreshold
                + ", expressThreads=" + expressThreads + ", outboundBudget=" + outboundBudget
                + ", slowPeerPolicy=" + slowPeerPolicy + ", maxSessions=" + maxSessions
                + ", subProtocols=" + subProtocols + ", unixSocket=" + unixSocket
                + ", compression=" + compression + ", maxInboundMemory=" + maxInboundMemory
                + ", controlFrameRate=" + controlFrameRate + ", descriptorReserve=" + descriptorReserve
                + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
                + ", maxHandshakesPerSecondPerAddress=" + maxHandshakesPerSecondPerAddress
                + ", fragmentSize=" + fragmentSize + ", maxStreamedMessageSize=" + maxStreamedMessageSize;
    }
}
