package io.switchboard.websocket;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.Backoff;
import io.switchboard.websocket.internal.WebSocketProtocol;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * A client that comes back by itself: when its connection drops, or a connect attempt fails for
 * a reason that may pass, it waits (exponential backoff with jitter, or what the server's {@code
 * Retry-After} asks) and connects again, while the reading code goes on in the usual loop.
 *
 * <pre>{@code
 * ReconnectingWebSocketClient ws = ReconnectingWebSocketClient.builder(new WebSocketClient("wss://example.com/chat"))
 *         .onReconnect(socket -> socket.send("{\"join\":\"lobby\"}")) // resubscribe on every new connection
 *         .build();
 * if (!ws.connect().isConnected()) return;   // retried as below; not connected once it gave up
 * ws.send("{\"join\":\"lobby\"}");
 * Message msg;
 * while ((msg = ws.read()) != null) {        // goes on across reconnects
 *     handle(msg);
 * }
 * // null: close() was called, or it gave up; lastResult() and closeStatus() say why
 * }</pre>
 *
 * <h2>When it reconnects</h2>
 * Reconnecting happens inside {@link #read()}: the reading thread sees the connection end, waits,
 * connects, runs the {@linkplain Builder#onReconnect hook}, and {@code read()} returns the new
 * connection's messages as if nothing had happened. A client must therefore be read for a drop to
 * be noticed, as for any WebSocket. It reconnects when the connection ended without this side's
 * {@link #close(CloseStatus, String) close()} and its {@link #closeStatus()} is one {@link
 * #reconnectsAfter(CloseStatus)} accepts (unless {@link Builder#reconnectWhen} says otherwise):
 * 1001 (the server is going away or restarting; also this side's read, write and pong timeouts),
 * 1006 (no close frame: the TCP connection broke), 1011, 1012, 1013 and 1014. It does
 * <em>not</em> reconnect after 1000: a normal closure means the server is done with this client.
 * Nor after 1005 (a close frame without a code, taken as normal), the protocol and policy codes
 * 1002, 1003, 1007, 1008, 1009 and 1010 (reconnecting would fail the same way), or the
 * application's 3000–4999. A close by this side never reconnects.
 *
 * <h2>Which connect failures are retried</h2>
 * {@link #connect()} and each reconnection retry what {@link #isRetryable(ConnectResult)} accepts
 * (unless {@link Builder#retryWhen} says otherwise): {@code REFUSED}, {@code TIMEOUT}, {@code
 * IO_ERROR}, {@code UNKNOWN_HOST}, {@code BAD_RESPONSE}, {@code TLS_HANDSHAKE_FAILED}, {@code
 * PROXY_REFUSED}, and an HTTP answer (from the server, or from a proxy to {@code CONNECT}) of 408,
 * 425, 429 or 5xx other than 501, 505 and 511. Everything else will not change by retrying, and
 * ends the attempts at once: any other 4xx, among them 400, 401, 403, 404, 405, 406, 409, 410,
 * 426 and 431; 3xx (redirects are not followed); 501, 505 and 511; an invalid URL, a 101 that
 * fails validation ({@code MISSING_UPGRADE}, {@code BAD_ACCEPT}, {@code NEGOTIATION_FAILED}); the
 * TLS verdicts {@code TLS_UNTRUSTED}, {@code TLS_HOSTNAME_MISMATCH}, {@code
 * TLS_CLIENT_CERT_REJECTED}; and {@code PROXY_AUTH_REQUIRED}.
 *
 * <h2>How long it waits</h2>
 * Attempt {@code n} of a run (the first attempt of {@link #connect()} waits for nothing; the first
 * attempt after a drop is attempt 1) waits {@code initialDelay × multiplier^(n−1)}, at most
 * {@code maxDelay}, less a random share of up to {@code jitter} of it. An answer carrying {@code
 * Retry-After} (RFC 9110 §10.2.3; seconds or an HTTP-date; 503 and 429 send it) is honoured: the
 * wait is at least what it asks. Defaults: {@link #DEFAULT_INITIAL_DELAY}, {@link
 * #DEFAULT_MAX_DELAY}, {@link #DEFAULT_MULTIPLIER}, {@link #DEFAULT_JITTER}.
 *
 * <h2>When it gives up</h2>
 * After a failure that is not retried, after {@link Builder#maxAttempts maxAttempts} failed
 * attempts in a row, or when the next attempt would start later than {@link Builder#giveUpAfter
 * giveUpAfter} from the start of the run (the drop, or the call to {@code connect()}); by default
 * it never gives up on a retryable failure. Then {@link #read()} returns null, {@link
 * #hasGivenUp()} is true and {@link #lastResult()} says why. {@link #connect()} starts again.
 *
 * <h2>Learning of a new connection</h2>
 * {@link #generation()} counts connections made (1 after the first connect, then one more per
 * reconnection): reading code that remembers it sees a message's connection change. The {@link
 * Builder#onReconnect onReconnect} hook runs on the reading thread after each reconnection (not
 * after the first {@code connect()}), before {@code read()} returns any message of the new
 * connection: the place to subscribe again or resend state. A hook that throws is logged; the
 * new connection stays. Messages sent while the connection is down are not kept: {@code send}
 * returns false, as on any closed WebSocket.
 *
 * <p>Thread-safe as any {@link WebSocket}: one thread reads while any may send; {@link
 * #close(CloseStatus, String)} from any thread ends a wait between attempts at once (an attempt
 * under way ends within the connect and handshake timeouts) and makes {@code read()} return null.
 * The wrapped {@link WebSocketClient} belongs to this client: do not use it directly.
 */
public final class ReconnectingWebSocketClient implements WebSocket {

    /** Wait before the first retry, before jitter: 500 ms. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(500);
    /** Longest wait between attempts, before jitter: 30 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** Each wait is twice the one before. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Up to half of each wait is taken off at random. */
    public static final double DEFAULT_JITTER = 0.5;

    private static final System.Logger LOG = System.getLogger(ReconnectingWebSocketClient.class.getName());
    private static final Set<CloseStatus> RECONNECT_AFTER = Set.of(CloseStatus.GOING_AWAY, CloseStatus.ABNORMAL_CLOSURE,
            CloseStatus.INTERNAL_ERROR, CloseStatus.SERVICE_RESTART, CloseStatus.TRY_AGAIN_LATER, CloseStatus.BAD_GATEWAY);
    private static final Set<Outcome> RETRYABLE = Set.of(Outcome.REFUSED, Outcome.TIMEOUT, Outcome.IO_ERROR,
            Outcome.UNKNOWN_HOST, Outcome.BAD_RESPONSE, Outcome.TLS_HANDSHAKE_FAILED, Outcome.PROXY_REFUSED);

    private final WebSocketClient client;
    private final Redial redial;
    private final Predicate<CloseStatus> reconnectWhen;
    private final Consumer<? super ReconnectingWebSocketClient> onReconnect;

    /** Set by close(), cleared by connect(): no further attempts; read() returns null. */
    private volatile boolean closed;
    /** Set when attempts stopped (a failure not retried, a bound reached, a close not reconnected); cleared by connect(). */
    private volatile boolean gaveUp;
    /** Connections made so far; only the thread connecting (connect() or the reader) increments it. */
    private final AtomicLong generation = new AtomicLong();
    /** The result of the latest attempt; null before the first. */
    private volatile ConnectResult lastResult;

    private ReconnectingWebSocketClient(Builder b) {
        this.client = b.client;
        this.redial = new Redial(b.client, new Backoff(b.initialDelay, b.maxDelay, b.multiplier, b.jitter), b.maxAttempts,
                b.giveUpAfter, b.retryWhen, b.clock, b.random, b.pause);
        this.reconnectWhen = b.reconnectWhen;
        this.onReconnect = b.onReconnect;
    }

    /** A builder for a reconnecting client around {@code client}, which it takes over. */
    public static Builder builder(WebSocketClient client) {
        return new Builder(client);
    }

    /** A builder for a reconnecting client of {@code url}, otherwise as {@code new WebSocketClient(url)}. */
    public static Builder builder(String url) {
        return new Builder(new WebSocketClient(url));
    }

    /**
     * The default rule for connect failures, as listed in the class description: true for
     * failures that may pass (refused, timed out, I/O, 408, 425, 429, most 5xx), false for those
     * that will not change (other 4xx, 501, 505, 511, TLS verdicts, proxy authentication).
     */
    public static boolean isRetryable(ConnectResult result) {
        return switch (result.outcome()) {
            case HANDSHAKE_REJECTED, PROXY_REJECTED -> {
                int status = result.httpStatus();
                yield status == 408 || status == 425 || status == 429
                        || status >= 500 && status <= 599 && status != 501 && status != 505 && status != 511;
            }
            default -> RETRYABLE.contains(result.outcome());
        };
    }

    /**
     * The default rule for ended connections: true for 1001, 1006, 1011, 1012, 1013 and 1014;
     * false for 1000, 1005, the protocol and policy codes and the application's codes.
     */
    public static boolean reconnectsAfter(CloseStatus status) {
        return RECONNECT_AFTER.contains(status);
    }

    /**
     * Connects, retrying as the class description says, and returns once connected or given up
     * (with the last attempt's result), or when {@link #close()} is called meanwhile ({@link
     * Outcome#CLOSED}). Starts afresh after a close or after giving up. Call it from one thread,
     * not while another reads.
     */
    public ConnectResult connect() {
        if (client.isOpen()) {
            return client.connect(); // ALREADY_CONNECTED
        }
        closed = false;
        gaveUp = false;
        return attempts(false);
    }

    /** One run of attempts (see {@link Redial}); notes its end. */
    private ConnectResult attempts(boolean afterDrop) {
        ConnectResult result = redial.run(afterDrop, () -> closed, r -> lastResult = r);
        if (result.isConnected()) {
            generation.incrementAndGet();
        } else if (!closed) {
            gaveUp = true; // a failure not retried, a bound reached, or the thread interrupted
        }
        return result;
    }

    /**
     * The next message, from whichever connection is current: blocks across reconnections as
     * described in the class description. Returns null only once {@link #close()} was called, the
     * client gave up (including a close that does not call for reconnecting, such as 1000), or
     * before the first {@link #connect()}.
     */
    @Override
    public Message read() {
        return readAcross(client::read);
    }

    /**
     * As {@link #read()}, for a message read as a stream: a connection that ends inside a
     * streamed message makes that stream throw {@link java.io.IOException}; the next
     * {@code readStream()} reconnects as {@code read()} does.
     */
    @Override
    public io.switchboard.api.MessageStream readStream() {
        return readAcross(client::readStream);
    }

    /** Streams on the current connection; its writes throw {@link java.io.IOException} while it is down. */
    @Override
    public java.io.OutputStream sendStream() {
        return client.sendStream();
    }

    /** Streams on the current connection; its writes throw {@link java.io.IOException} while it is down. */
    @Override
    public java.io.Writer sendTextStream() {
        return client.sendTextStream();
    }

    /** Reads with {@code readOne} from the current connection, reconnecting when it ends. */
    private <T> T readAcross(java.util.function.Supplier<T> readOne) {
        while (true) {
            T message = readOne.get();
            if (message != null) {
                return message;
            }
            if (closed || gaveUp || generation.get() == 0) {
                return null;
            }
            CloseStatus status = client.closeStatus().orElse(CloseStatus.ABNORMAL_CLOSURE);
            String reason = client.closeReason().map(r -> " \"" + r + "\"").orElse("");
            if (!reconnectWhen.test(status)) {
                gaveUp = true;
                LOG.log(Level.INFO, "{0}: connection ended with {1}{2}; not reconnecting", client.url(), status, reason);
                return null;
            }
            LOG.log(Level.INFO, "{0}: connection ended with {1}{2}; reconnecting", client.url(), status, reason);
            if (!attempts(true).isConnected()) {
                return null;
            }
            LOG.log(Level.INFO, "{0}: reconnected (connection {1})", client.url(), generation.get());
            try {
                onReconnect.accept(this);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, client.url() + ": the onReconnect hook threw; the connection stays", e);
            }
        }
    }

    /** Connections made so far: 0 before the first connect, 1 after it, one more per reconnection. */
    public long generation() {
        return generation.get();
    }

    /** Whether attempts stopped for good (see the class description); {@link #connect()} clears it. */
    public boolean hasGivenUp() {
        return gaveUp;
    }

    /** The result of the latest connect attempt; empty before the first. */
    public Optional<ConnectResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /** The URL connected to. */
    public String url() {
        return client.url();
    }

    /** Sends on the current connection; false while it is down (the message is not kept). */
    @Override
    public boolean send(String text) {
        return client.send(text);
    }

    /** Sends on the current connection; false while it is down (the message is not kept). */
    @Override
    public boolean send(byte[] bytes) {
        return client.send(bytes);
    }

    /** Sends on the current connection; false while it is down (the message is not kept). */
    @Override
    public boolean send(ByteBuffer buffer) {
        return client.send(buffer);
    }

    @Override
    public boolean ping(byte[] data) {
        return client.ping(data);
    }

    /**
     * Closes the current connection and stops reconnecting for good: a wait between attempts
     * ends at once, {@link #read()} returns null. {@link #connect()} starts afresh.
     */
    @Override
    public void close(CloseStatus status, String reason) {
        WebSocketProtocol.checkClose(status, reason);
        closed = true;
        redial.wake();
        client.close(status, reason);
    }

    @Override
    public boolean isOpen() {
        return client.isOpen();
    }

    /** The upgrade request of the current connection; throws IllegalStateException if none. */
    @Override
    public Request request() {
        return client.request();
    }

    @Override
    public Optional<String> subProtocol() {
        return client.subProtocol();
    }

    @Override
    public Optional<Duration> roundTripTime() {
        return client.roundTripTime();
    }

    /** How the current (or last) connection ended; empty while it is open. */
    @Override
    public Optional<CloseStatus> closeStatus() {
        return client.closeStatus();
    }

    @Override
    public Optional<String> closeReason() {
        return client.closeReason();
    }

    @Override
    public String toString() {
        return "ReconnectingWebSocketClient[" + client.url() + ", connection " + generation.get() + "]";
    }

    /**
     * Settings of a {@link ReconnectingWebSocketClient}; not thread-safe, {@link #build()} may be
     * called once per wrapped client.
     */
    public static final class Builder {
        private final WebSocketClient client;
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;
        private int maxAttempts;
        private Optional<Duration> giveUpAfter = Optional.empty();
        private Predicate<CloseStatus> reconnectWhen = ReconnectingWebSocketClient::reconnectsAfter;
        private Predicate<ConnectResult> retryWhen = ReconnectingWebSocketClient::isRetryable;
        private Consumer<? super ReconnectingWebSocketClient> onReconnect = ws -> { };
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Redial.Pause pause;

        private Builder(WebSocketClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The wait before the first retry, before jitter; positive; default {@link #DEFAULT_INITIAL_DELAY}. */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** The longest wait between attempts, before jitter; default {@link #DEFAULT_MAX_DELAY}. */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** How much longer each wait is than the one before, at least 1; default {@link #DEFAULT_MULTIPLIER}. */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** The largest share of a wait taken off at random, 0 to 1; default {@link #DEFAULT_JITTER}. */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Gives up after this many failed attempts in a row; 0 (the default) never does. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxAttempts must be 0 (no limit) or more, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Gives up when the next attempt would start later than {@code bound} after the drop (or
         * the call to {@code connect()}); default: no bound.
         */
        public Builder giveUpAfter(Duration bound) {
            if (bound.isNegative()) {
                throw new IllegalArgumentException("giveUpAfter must not be negative, got " + bound);
            }
            this.giveUpAfter = Optional.of(bound);
            return this;
        }

        /** Which close statuses of an ended connection call for reconnecting; default {@link #reconnectsAfter}. */
        public Builder reconnectWhen(Predicate<CloseStatus> rule) {
            this.reconnectWhen = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /** Which failed attempts are retried; default {@link #isRetryable}. */
        public Builder retryWhen(Predicate<ConnectResult> rule) {
            this.retryWhen = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Runs {@code hook} on the reading thread after each reconnection, before {@code read()}
         * returns a message of the new connection: subscribe again, resend state. It may send.
         */
        public Builder onReconnect(Consumer<? super ReconnectingWebSocketClient> hook) {
            this.onReconnect = Objects.requireNonNull(hook, "hook");
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        Builder pause(Redial.Pause pause) {
            this.pause = pause;
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalArgumentException if the delays, multiplier or jitter are out of range
         */
        public ReconnectingWebSocketClient build() {
            return new ReconnectingWebSocketClient(this);
        }
    }
}
