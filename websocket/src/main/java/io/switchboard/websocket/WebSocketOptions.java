package io.switchboard.websocket;

import io.switchboard.websocket.internal.DeflatePolicy;
import io.switchboard.websocket.internal.InboundMemory;
import io.switchboard.websocket.internal.IncidentSummary;
import io.switchboard.websocket.internal.SessionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * <tr><td>{@link #pingInterval()}</td><td>30 s</td><td>both; 0 disables heartbeats</td></tr>
 * <tr><td>{@link #maxMissedPongs()}</td><td>0 (off)</td><td>both; then close 1001 "pong timeout"</td></tr>
 * <tr><td>{@link #readTimeout()}</td><td>300 s</td><td>both; silence closes with 1001</td></tr>
 * <tr><td>{@link #writeTimeout()}</td><td>30 s</td><td>both; a blocked write drops the connection</td></tr>
 * <tr><td>{@link #idleThreshold()}</td><td>1 s</td><td>server; a silent callback session gives up its thread</td></tr>
 * <tr><td>{@link #expressThreads()}</td><td>the number of CPUs</td><td>server; platform threads for callback
 *     sessions in a burst, 0 = none</td></tr>
 * <tr><td>{@link #outboundBudget()}</td><td>16 MiB</td><td>both; bytes waiting behind a write</td></tr>
 * <tr><td>{@link #slowPeerPolicy()}</td><td>BLOCK</td><td>both; or CLOSE with 1008</td></tr>
 * <tr><td>{@link #maxSessions()}</td><td>0 (unlimited)</td><td>server; beyond it 503</td></tr>
 * <tr><td>{@link #maxInboundMemory()}</td><td>a quarter of the max heap</td><td>server; all sessions' message
 *     assembly and inflation together; beyond it the session needing more closes with 1013</td></tr>
 * <tr><td>{@link #controlFrameRate()}</td><td>100/s (bursts of 200)</td><td>both; faster pings and pongs
 *     close with 1008</td></tr>
 * <tr><td>{@link #descriptorReserve()}</td><td>64</td><td>server; descriptors kept free: upgrades get 503
 *     once fewer are left</td></tr>
 * <tr><td>{@link #maxStreamedMessageSize()}</td><td>0 (unlimited)</td><td>both; messages read with
 *     readStream(), larger close with 1009</td></tr>
 * <tr><td>{@link #fragmentSize()}</td><td>64 KiB</td><td>both; longer messages are sent in fragments</td></tr>
 * <tr><td>{@link #maxConnectionsPerAddress()}</td><td>0 (off)</td><td>server; beyond it 429</td></tr>
 * <tr><td>{@link #maxHandshakesPerSecondPerAddress()}</td><td>0 (off)</td><td>server; beyond it 429</td></tr>
 * <tr><td>{@link #subProtocols()}</td><td>none</td><td>client; offered sub-protocols</td></tr>
 * <tr><td>{@link #unixSocket()}</td><td>none</td><td>client; connect to a Unix-domain socket</td></tr>
 * <tr><td>{@link #compression()}</td><td>off</td><td>both; permessage-deflate (RFC 7692)</td></tr>
 * <tr><td>{@link #compressionContextTakeover()}</td><td>true</td><td>both; keep the context between messages</td></tr>
 * <tr><td>{@link #compressionWindowBits()}</td><td>12 (4 KiB)</td><td>both; largest window kept per direction</td></tr>
 * <tr><td>{@link #compressionMemoryLevel()}</td><td>4</td><td>both; zlib memLevel of the compressor</td></tr>
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

    /** Default {@link #pingInterval()}: 30 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** Default {@link #maxMissedPongs()}: 0, off. */
    public static final int DEFAULT_MAX_MISSED_PONGS = 0;
    /** Default {@link #readTimeout()}: 300 seconds. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(300);
    /** Default {@link #writeTimeout()}: 30 seconds. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link #idleThreshold()}: 1 second. */
    public static final Duration DEFAULT_IDLE_THRESHOLD = Duration.ofSeconds(1);
    /** Default {@link #expressThreads()}: -1, the number of CPUs the JVM sees when the server starts. */
    public static final int DEFAULT_EXPRESS_THREADS = -1;
    /** Default {@link #outboundBudget()}: 16 MiB. */
    public static final long DEFAULT_OUTBOUND_BUDGET = 16L * 1024 * 1024;
    /** Default {@link #maxSessions()}: 0, unlimited. */
    public static final int DEFAULT_MAX_SESSIONS = 0;
    /** Default {@link #controlFrameRate()}: 100 pings and pongs per second. */
    public static final int DEFAULT_CONTROL_FRAME_RATE = 100;
    /** Default {@link #fragmentSize()}: 64 KiB. */
    public static final int DEFAULT_FRAGMENT_SIZE = 64 * 1024;
    /** Default {@link #descriptorReserve()}: 64 descriptors. */
    public static final int DEFAULT_DESCRIPTOR_RESERVE = 64;

    /** Default {@link #maxInboundMemory()}: a quarter of the JVM's max heap ({@code -Xmx}). */
    public static long defaultMaxInboundMemory() {
        return Runtime.getRuntime().maxMemory() / 4;
    }
    /** Default {@link #compressionWindowBits()}: 12, a 4 KiB window. */
    public static final int DEFAULT_COMPRESSION_WINDOW_BITS = 12;
    /** Default {@link #compressionMemoryLevel()}: 4. */
    public static final int DEFAULT_COMPRESSION_MEMORY_LEVEL = 4;

    /** What a send does when the outbound budget of a slow peer is exhausted. */
    public enum SlowPeerPolicy {
        /** The sender waits for room, up to the write timeout; then the connection is dropped. */
        BLOCK,
        /** The slow connection is closed with 1008 (policy violation) and the send returns false. */
        CLOSE
    }

    private static final WebSocketOptions DEFAULTS = builder().build();

    /** This instance's own copy: never written after the constructor, so the options are immutable. */
    private final OptionValues values;
    private final DeflatePolicy deflatePolicy;

    private WebSocketOptions(OptionValues values) {
        this.values = values;
        this.deflatePolicy = new DeflatePolicy(values.compressionWindowBits, values.compressionMemoryLevel,
                values.compressionContextTakeover);
    }

    /** The options with every default. */
    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(new OptionValues());
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(values.copy());
    }

    /** The largest message payload accepted, in bytes; a larger one closes the connection with 1009. */
    public long maxMessageSize() {
        return values.maxMessageSize;
    }

    /** The limits of one session, for the engine. */
    SessionConfig sessionConfig(long maxMessageSize, InboundMemory inboundMemory, IncidentSummary incidents) {
        return new SessionConfig(maxMessageSize, values.closeTimeout, values.pingInterval, values.maxMissedPongs,
                values.readTimeout, values.writeTimeout, values.outboundBudget,
                values.slowPeerPolicy == SlowPeerPolicy.CLOSE, values.controlFrameRate, inboundMemory, incidents,
                values.fragmentSize, values.maxStreamedMessageSize);
    }

    /** How long to wait for the peer's close frame after sending ours, then drop the connection. */
    public Duration closeTimeout() {
        return values.closeTimeout;
    }

    /** How long the HTTP upgrade request (server) or response (client) may take to arrive. */
    public Duration handshakeTimeout() {
        return values.handshakeTimeout;
    }

    /** The largest request line plus headers the server reads; beyond it the answer is 431. */
    public int maxHandshakeSize() {
        return values.maxHandshakeSize;
    }

    /** How long the client's TCP connect may take. */
    public Duration connectTimeout() {
        return values.connectTimeout;
    }

    /**
     * How long the live sessions of a removed handler may go on by themselves before they are
     * closed: with 1012 (service restart) if another handler took over the path by then, else
     * with 1001 (going away). Lets a handler be replaced without dropping its users.
     */
    public Duration drainTimeout() {
        return values.drainTimeout;
    }

    /**
     * How long a handshake for a path whose handler was just removed waits for a replacement
     * before it is answered 404, so that replacing a handler fails no handshake.
     */
    public Duration handoverGrace() {
        return values.handoverGrace;
    }

    /** How often a heartbeat ping is sent; {@link Duration#ZERO} disables heartbeats. */
    public Duration pingInterval() {
        return values.pingInterval;
    }

    /**
     * After this many consecutive heartbeat pings without a pong, the connection is closed with
     * 1001 and the reason "pong timeout"; 0 turns the check off. Any pong resets the count.
     */
    public int maxMissedPongs() {
        return values.maxMissedPongs;
    }

    /**
     * If nothing at all arrives for this long, the connection is closed with 1001 "read timeout"
     * and {@code read()} returns null; {@link Duration#ZERO} waits forever.
     */
    public Duration readTimeout() {
        return values.readTimeout;
    }

    /**
     * A write blocked this long on a peer that stopped reading drops the connection: the send
     * returns false and {@code closeStatus()} reports 1001 with the reason "write timeout" (no
     * close frame can be sent). Also bounds how long a sender waits for outbound budget.
     * {@link Duration#ZERO} waits forever.
     */
    public Duration writeTimeout() {
        return values.writeTimeout;
    }

    /**
     * How long a session served by a {@link io.switchboard.api.MessageHandler} may be silent
     * between two messages before its virtual thread ends and the connection waits, with every
     * other idle one, in the transport's readiness poller (a new virtual thread goes on when bytes
     * arrive). Shorter saves memory sooner; longer keeps busy-but-bursty sessions on their thread.
     * Applies where the transport supports it (plain TCP on the server); {@link Duration#ZERO}
     * keeps every session on its thread. Blocking handlers always keep theirs. A session in a
     * burst (16 waits in a row each under 10 ms) waits untimed, saving the JDK timer's wake-ups on
     * every message; gone quiet, it parks this long after its next frame (at the latest the
     * heartbeat's pong).
     */
    public Duration idleThreshold() {
        return values.idleThreshold;
    }

    /**
     * How many platform threads at most serve {@link io.switchboard.api.MessageHandler} sessions
     * in a burst (16 messages in a row, each within 10 ms of the one before). A virtual thread
     * waiting in a socket read is woken through two threads (the JDK's poller, then a carrier); a
     * platform thread is woken by the kernel directly, which takes about a third off a
     * back-to-back exchange's CPU and latency. A session moves to a free express thread at a
     * message boundary and back to a virtual thread when 10 ms pass without a message; when all
     * are busy it stays where it is. Each thread ends when its session leaves. -1 (the default):
     * as many as the CPUs the JVM sees; 0: none. Applies where sessions can park (plain TCP on
     * the server, {@link #idleThreshold()} above zero). A handler that blocks in
     * {@code onMessage} holds its express thread meanwhile; the others go on.
     */
    public int expressThreads() {
        return values.expressThreads;
    }

    /** {@link #expressThreads()} with the default resolved: the number of CPUs. */
    int expressThreadCount() {
        return values.expressThreads >= 0 ? values.expressThreads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Bytes of messages that may wait, per connection, behind the one being written (sends from
     * several threads, e.g. a broadcast). Beyond it the {@link #slowPeerPolicy()} applies. A
     * single message larger than the budget is still sent when nothing waits ahead of it.
     */
    public long outboundBudget() {
        return values.outboundBudget;
    }

    /** What happens when a connection's {@link #outboundBudget()} is exhausted. */
    public SlowPeerPolicy slowPeerPolicy() {
        return values.slowPeerPolicy;
    }

    /** Server: the most open sessions; beyond it upgrades get 503 with Retry-After. 0: unlimited. */
    public int maxSessions() {
        return values.maxSessions;
    }

    /** Client: the sub-protocols offered in {@code Sec-WebSocket-Protocol}, in preference order. */
    public List<String> subProtocols() {
        return values.subProtocols;
    }

    /**
     * Client: connect to this Unix-domain socket instead of the URL's host and port; the URL
     * still gives the {@code Host} header and the request target. Empty for TCP.
     */
    public Optional<Path> unixSocket() {
        return Optional.ofNullable(values.unixSocket);
    }

    /**
     * permessage-deflate (RFC 7692): the server accepts a client's offer, the client makes one.
     * Every parameter of the RFC is understood; the three options below bound what a session
     * keeps. Off by default: sessions without compression hold no compression state.
     */
    public boolean compression() {
        return values.compression;
    }

    /**
     * Server: the most bytes that message assembly and inflation of all sessions together may
     * hold beyond each session's first 64 KiB (so sessions with ordinary messages never meet the
     * limit). Buffers grow with the bytes that actually arrived, never with a declared length. A
     * session whose next frame would need more is closed with 1013 (try again later); the others
     * go on. 0: unlimited.
     */
    public long maxInboundMemory() {
        return values.maxInboundMemory;
    }

    /**
     * Pings and pongs per second a peer may send, sustained, with bursts of twice as many; a peer
     * sending faster is closed with 1008 (policy violation). 0: unlimited.
     */
    public int controlFrameRate() {
        return values.controlFrameRate;
    }

    /**
     * Server: file descriptors kept free for everything but connections (deploy folder, logs, TLS
     * files). Once fewer than this are left under the process's limit, upgrades are answered 503
     * with Retry-After, so connections never run the process out of descriptors. With the
     * default {@link #maxSessions()} of 0, this bounds the sessions: at most (descriptor limit −
     * reserve − descriptors open for other things). 0: no reserve.
     */
    public int descriptorReserve() {
        return values.descriptorReserve;
    }

    /**
     * Server: the most connections (handshaking or in a session) from one IP address at once;
     * beyond it upgrades are answered 429 with Retry-After. 0: unlimited. Unix-socket peers are
     * not limited.
     */
    public int maxConnectionsPerAddress() {
        return values.maxConnectionsPerAddress;
    }

    /**
     * Server: new handshakes per second one IP address may start, sustained, with bursts of twice
     * as many; beyond it requests are answered 429 with Retry-After. 0: unlimited.
     */
    public int maxHandshakesPerSecondPerAddress() {
        return values.maxHandshakesPerSecondPerAddress;
    }

    /**
     * The largest frame payload sent. A longer message (after compression, if any) goes out as
     * fragments of this size, and pongs, heartbeat pings and the close frame are written between
     * them instead of waiting for the whole message; the receiver still gets one message.
     */
    public int fragmentSize() {
        return values.fragmentSize;
    }

    /**
     * The largest message read with {@code readStream()}: a streamed message is never held
     * whole, so this limit is separate from {@link #maxMessageSize()}; larger ones close the
     * connection with 1009. 0: unlimited.
     */
    public long maxStreamedMessageSize() {
        return values.maxStreamedMessageSize;
    }

    /**
     * Whether compression keeps its context between messages in both directions where the peer
     * agrees (RFC 7692 §7.1.1): small, similar messages (chatty JSON) then shrink several times
     * more, at the cost of {@link #compressionWindowBits()}-sized state per session for its
     * whole life. False asks for {@code *_no_context_takeover} both ways: each message is
     * compressed on its own and an idle session holds nothing. Default true.
     */
    public boolean compressionContextTakeover() {
        return deflatePolicy.contextTakeover();
    }

    /**
     * The base-2 logarithm (8–15) of the largest LZ77 window a session keeps per direction: its
     * own compressor's window, and the peer's, asked for with {@code server_max_window_bits} /
     * {@code client_max_window_bits}. A server whose client cannot be asked for a smaller window
     * answers {@code client_no_context_takeover} instead. Default 12 (4 KiB); the README lists
     * the memory per session for each value.
     */
    public int compressionWindowBits() {
        return deflatePolicy.windowBits();
    }

    /** zlib's memLevel (1–9) of a session's compressor: its hash table and buffers. Default 4. */
    public int compressionMemoryLevel() {
        return deflatePolicy.memoryLevel();
    }

    /** The permessage-deflate policy if compression is on, else null. */
    DeflatePolicy deflatePolicy() {
        return values.compression ? deflatePolicy : null;
    }

    /** The permessage-deflate policy, whether or not compression is on (a route may turn it on). */
    DeflatePolicy compressionPolicy() {
        return deflatePolicy;
    }

    @Override
    public String toString() {
        return "WebSocketOptions[" + values + ", compressionPolicy=" + deflatePolicy + "]";
    }

    /** Builds {@link WebSocketOptions}. Not thread-safe. */
    public static final class Builder {
        /** What {@link #build()} copies; checked by {@link OptionRules} as each value is set. */
        private final OptionValues values;

        private Builder(OptionValues values) {
            this.values = values;
        }

        /** @see WebSocketOptions#maxMessageSize() */
        public Builder maxMessageSize(long bytes) {
            values.maxMessageSize = OptionRules.maxMessageSize(bytes);
            return this;
        }

        /** @see WebSocketOptions#closeTimeout() */
        public Builder closeTimeout(Duration timeout) {
            values.closeTimeout = OptionRules.positive("closeTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#handshakeTimeout() */
        public Builder handshakeTimeout(Duration timeout) {
            values.handshakeTimeout = OptionRules.positive("handshakeTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#maxHandshakeSize() */
        public Builder maxHandshakeSize(int bytes) {
            values.maxHandshakeSize = OptionRules.maxHandshakeSize(bytes);
            return this;
        }

        /** @see WebSocketOptions#connectTimeout() */
        public Builder connectTimeout(Duration timeout) {
            values.connectTimeout = OptionRules.positive("connectTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#drainTimeout() */
        public Builder drainTimeout(Duration timeout) {
            values.drainTimeout = OptionRules.notNegative("drainTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#handoverGrace() */
        public Builder handoverGrace(Duration grace) {
            values.handoverGrace = OptionRules.notNegative("handoverGrace", grace);
            return this;
        }

        /** @see WebSocketOptions#pingInterval() */
        public Builder pingInterval(Duration interval) {
            values.pingInterval = OptionRules.notNegative("pingInterval", interval);
            return this;
        }

        /** @see WebSocketOptions#maxMissedPongs() */
        public Builder maxMissedPongs(int count) {
            values.maxMissedPongs = (int) OptionRules.notNegative("maxMissedPongs", count);
            return this;
        }

        /** @see WebSocketOptions#readTimeout() */
        public Builder readTimeout(Duration timeout) {
            values.readTimeout = OptionRules.notNegative("readTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#writeTimeout() */
        public Builder writeTimeout(Duration timeout) {
            values.writeTimeout = OptionRules.notNegative("writeTimeout", timeout);
            return this;
        }

        /** @see WebSocketOptions#idleThreshold() */
        public Builder idleThreshold(Duration threshold) {
            values.idleThreshold = OptionRules.notNegative("idleThreshold", threshold);
            return this;
        }

        /** @see WebSocketOptions#expressThreads() */
        public Builder expressThreads(int threads) {
            values.expressThreads = OptionRules.expressThreads(threads);
            return this;
        }

        /** @see WebSocketOptions#outboundBudget() */
        public Builder outboundBudget(long bytes) {
            values.outboundBudget = OptionRules.positive("outboundBudget", bytes);
            return this;
        }

        /** @see WebSocketOptions#slowPeerPolicy() */
        public Builder slowPeerPolicy(SlowPeerPolicy policy) {
            values.slowPeerPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @see WebSocketOptions#maxSessions() */
        public Builder maxSessions(int max) {
            values.maxSessions = (int) OptionRules.notNegative("maxSessions", max);
            return this;
        }

        /** @see WebSocketOptions#subProtocols() */
        public Builder subProtocols(List<String> protocols) {
            values.subProtocols = OptionRules.subProtocols(protocols);
            return this;
        }

        /** @see WebSocketOptions#unixSocket() */
        public Builder unixSocket(Path socket) {
            values.unixSocket = socket;
            return this;
        }

        /** @see WebSocketOptions#compression() */
        public Builder compression(boolean enabled) {
            values.compression = enabled;
            return this;
        }

        /** @see WebSocketOptions#maxInboundMemory() */
        public Builder maxInboundMemory(long bytes) {
            values.maxInboundMemory = OptionRules.notNegative("maxInboundMemory", bytes);
            return this;
        }

        /** @see WebSocketOptions#controlFrameRate() */
        public Builder controlFrameRate(int perSecond) {
            values.controlFrameRate = (int) OptionRules.notNegative("controlFrameRate", perSecond);
            return this;
        }

        /** @see WebSocketOptions#descriptorReserve() */
        public Builder descriptorReserve(int descriptors) {
            values.descriptorReserve = (int) OptionRules.notNegative("descriptorReserve", descriptors);
            return this;
        }

        /** @see WebSocketOptions#maxConnectionsPerAddress() */
        public Builder maxConnectionsPerAddress(int max) {
            values.maxConnectionsPerAddress = (int) OptionRules.notNegative("maxConnectionsPerAddress", max);
            return this;
        }

        /** @see WebSocketOptions#maxHandshakesPerSecondPerAddress() */
        public Builder maxHandshakesPerSecondPerAddress(int perSecond) {
            values.maxHandshakesPerSecondPerAddress = (int) OptionRules.notNegative("maxHandshakesPerSecondPerAddress",
                    perSecond);
            return this;
        }

        /** @see WebSocketOptions#fragmentSize() */
        public Builder fragmentSize(int bytes) {
            values.fragmentSize = (int) OptionRules.positive("fragmentSize", bytes);
            return this;
        }

        /** @see WebSocketOptions#maxStreamedMessageSize() */
        public Builder maxStreamedMessageSize(long bytes) {
            values.maxStreamedMessageSize = OptionRules.notNegative("maxStreamedMessageSize", bytes);
            return this;
        }

        /** @see WebSocketOptions#compressionContextTakeover() */
        public Builder compressionContextTakeover(boolean takeover) {
            values.compressionContextTakeover = takeover;
            return this;
        }

        /** @see WebSocketOptions#compressionWindowBits() */
        public Builder compressionWindowBits(int bits) {
            values.compressionWindowBits = OptionRules.compressionWindowBits(bits);
            return this;
        }

        /** @see WebSocketOptions#compressionMemoryLevel() */
        public Builder compressionMemoryLevel(int level) {
            values.compressionMemoryLevel = OptionRules.compressionMemoryLevel(level);
            return this;
        }

        /** Returns the immutable options holding this builder's current values. */
        public WebSocketOptions build() {
            return new WebSocketOptions(values.copy());
        }
    }
}
