package io.switchboard.websocket.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A session's input: one small buffer over the connection's stream (read calls larger than the
 * buffer go straight to the stream), counting what is delivered for the read timeout and the
 * metrics. The buffer is taken on the first read and given back with {@link #release()} while
 * the session waits without a thread, so an idle session holds none.
 *
 * <p>At a message boundary the session {@linkplain #markBoundary marks} the input: a read that
 * then finds the buffer empty, before any byte of the next frame was delivered, waits at most
 * the idle threshold and throws {@link IdleTimeout} if nothing came, leaving the connection
 * usable and the frame reader's state untouched (it has consumed nothing).
 *
 * <p>Not thread-safe: one reader at a time (the session's read lock); {@link #lastActivity()}
 * may be read by any thread.
 */
public final class SessionInput extends InputStream {

    /** Nothing arrived within the idle threshold at a message boundary; the connection is usable. */
    static final class IdleTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        IdleTimeout() {
            super("idle at a message boundary");
        }

        @Override
        public Throwable fillInStackTrace() {
            return this; // a signal, not an error: no stack to fill
        }
    }

    private final InputStream source;
    /** For the timed read at a boundary; null when the connection cannot wait without a thread. */
    private final Connection connection;
    private final int size;
    /** Null until the first read and after release(); bytes [pos, limit) are unread. */
    private byte[] buffer;
    private int pos;
    private int limit;
    /** Bytes delivered to the reader so far. */
    private long delivered;
    /** The value of delivered when the boundary was marked; -1 when not marked. */
    private long markedAt = -1;
    private Duration idleThreshold = Duration.ZERO;
    /** The longest wait at a boundary right after a control frame (see remarkAfter). */
    static final Duration AFTER_CONTROL = Duration.ofMillis(10);
    /**
     * After this many waits at a boundary in a row, each shorter than {@link #BURST_GAP_NANOS},
     * the session is in a burst: its waits at a boundary are untimed until one is not short.
     */
    static final int BURST_WAITS = 16;
    static final long BURST_GAP_NANOS = 10_000_000;
    /** Waits at a boundary in a row shorter than BURST_GAP_NANOS. */
    private int shortWaits;
    /** Boundaries in a row whose read went to the connection and ended within BURST_GAP_NANOS. */
    private int exchangeWaits;
    /** Boundaries in a row where the next message's bytes were already buffered (pipelined input). */
    private int bufferedBoundaries;
    /** Whether the marked boundary's wait is timed even in a burst (an express thread's). */
    private boolean alwaysTimed;
    /** System.nanoTime() of the last bytes read from the connection (or of creation). */
    private volatile long lastActivity = System.nanoTime();
    private SessionCounters counters = SessionCounters.NONE;
    /** Runs before every read from the source (one that may wait for the peer): held frames leave. */
    private Runnable beforeWaiting = () -> { };

    /**
     * @param connection the connection whose read timeout bounds a wait at a boundary, or null
     *     when it cannot wait for readiness (boundaries are then never timed)
     * @param size the buffer's size; 0 reads straight from {@code source} (already buffered)
     */
    public SessionInput(InputStream source, Connection connection, int size) {
        this.source = source;
        this.connection = connection != null && connection.canAwaitReadable() ? connection : null;
        this.size = size;
    }

    /** Whether reads at a boundary can time out and the connection be handed to a readiness poller. */
    boolean canPark() {
        return connection != null;
    }

    /** Counts delivered bytes in {@code counters} from now on. */
    void counters(SessionCounters counters) {
        this.counters = counters;
    }

    /** Runs {@code action} before each read that goes to the connection, i.e. may wait for the peer. */
    void beforeWaiting(Runnable action) {
        this.beforeWaiting = action;
    }

    /** System.nanoTime() of the last bytes read from the connection. */
    long lastActivity() {
        return lastActivity;
    }

    /** Bytes read from the connection and not delivered yet. */
    @Override
    public int available() {
        return limit - pos;
    }

    /**
     * Marks a message boundary: until a byte is delivered, a read finding no buffered bytes
     * waits at most {@code threshold} and then throws {@link IdleTimeout}.
     */
    void markBoundary(Duration threshold) {
        markBoundary(threshold, false);
    }

    /**
     * Marks a message boundary like {@link #markBoundary(Duration)}; with {@code alwaysTimed}
     * the wait is timed even in a burst: a thread that must learn when the burst ends (an
     * express thread, where a timed wait costs no timer thread) waits this way.
     */
    void markBoundary(Duration threshold, boolean alwaysTimed) {
        if (connection != null) {
            markedAt = delivered;
            idleThreshold = threshold;
            this.alwaysTimed = alwaysTimed;
            if (pos < limit) {
                exchangeWaits = 0;
                bufferedBoundaries = Math.min(bufferedBoundaries + 1, BURST_WAITS);
            } else {
                bufferedBoundaries = 0;
            }
        }
    }

    /**
     * Whether the session is in a burst: its last {@link #BURST_WAITS} waits at a boundary each
     * ended within {@link #BURST_GAP_NANOS}. Read by the reading thread.
     */
    boolean inBurst() {
        return shortWaits >= BURST_WAITS;
    }

    /**
     * Whether the session is in a back-to-back exchange: at each of its last {@link #BURST_WAITS}
     * boundaries nothing was buffered, and the next message came within {@link #BURST_GAP_NANOS}
     * (every message waited for the peer, and not long).
     */
    boolean inExchange() {
        return exchangeWaits >= BURST_WAITS;
    }

    /** Whether at each of the last {@link #BURST_WAITS} boundaries the next message was already buffered. */
    boolean pipelined() {
        return bufferedBoundaries >= BURST_WAITS;
    }

    /**
     * Marks the boundary again if exactly {@code frameLength} bytes (one control frame) were
     * delivered since the mark: a control frame between messages keeps the session at a boundary.
     * The wait that follows is at most {@link #AFTER_CONTROL}: a parked session woken by a pong
     * (every heartbeat) or a keep-alive ping parks again at once instead of holding a thread for
     * the whole threshold; with many idle sessions that is most of their wake-ups.
     */
    void remarkAfter(int frameLength) {
        if (markedAt >= 0 && delivered - markedAt == frameLength) {
            markedAt = delivered;
            if (idleThreshold.compareTo(AFTER_CONTROL) > 0) {
                idleThreshold = AFTER_CONTROL;
            }
        }
    }

    /** Ends the marked boundary: reads block without a time limit again. */
    void unmark() {
        markedAt = -1;
    }

    /** Gives the buffer back if it holds nothing; the next read takes a new one. */
    void release() {
        if (pos == limit) {
            buffer = null;
            pos = 0;
            limit = 0;
        }
    }

    @Override
    public int read() throws IOException {
        if (size == 0) {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
        if (pos == limit && fill() < 0) {
            return -1;
        }
        delivered(1);
        return buffer[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        if (pos < limit) {
            n = Math.min(len, limit - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
        } else if (len >= size) {
            n = timed(b, off, len); // a large read: no copy through the buffer
        } else {
            if (fill() < 0) {
                return -1;
            }
            n = Math.min(len, limit - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
        }
        if (n > 0) {
            delivered(n);
        }
        return n;
    }

    private void delivered(int n) {
        delivered += n;
        counters.read(n);
    }

    /** Refills the empty buffer; returns the bytes read or -1 at the end of the stream. */
    private int fill() throws IOException {
        if (buffer == null) {
            buffer = new byte[size];
        }
        pos = 0;
        limit = 0;
        int n = timed(buffer, 0, size);
        if (n > 0) {
            limit = n;
        }
        return n;
    }

    /** Reads from the source, with the idle threshold as its time limit at a marked boundary. */
    private int timed(byte[] b, int off, int len) throws IOException {
        int n = timedRead(b, off, len);
        if (n > 0) {
            lastActivity = System.nanoTime(); // once per read from the connection, not per frame field
        }
        return n;
    }

    private void waited(long nanos) {
        boolean quick = nanos < BURST_GAP_NANOS;
        shortWaits = quick ? Math.min(shortWaits + 1, BURST_WAITS) : 0;
        exchangeWaits = quick ? Math.min(exchangeWaits + 1, BURST_WAITS) : 0;
    }

    private int timedRead(byte[] b, int off, int len) throws IOException {
        beforeWaiting.run();
        if (markedAt < 0 || markedAt != delivered) {
            return source.read(b, off, len);
        }
        long start = System.nanoTime();
        if (shortWaits >= BURST_WAITS && !alwaysTimed) {
            // In a burst: the next bytes are due at once, and a timed wait costs two wake-ups
            // of the JDK's timer thread (a third of a round trip's CPU). Untimed, this wait ends
            // with the next frame, at the latest the heartbeat's pong; the wait after it is timed.
            int n = source.read(b, off, len);
            waited(System.nanoTime() - start);
            return n;
        }
        connection.readTimeout(idleThreshold);
        try {
            int n = source.read(b, off, len);
            waited(System.nanoTime() - start);
            return n;
        } catch (SocketTimeoutException e) {
            shortWaits = 0; // a long wait: the burst, if any, ended
            exchangeWaits = 0;
            throw new IdleTimeout();
        } finally {
            connection.readTimeout(Duration.ZERO);
        }
    }
}
