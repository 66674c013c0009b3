package io.switchboard.websocket.internal;

import io.switchboard.websocket.internal.ServerCounters.PathCounters;

/**
 * What one server session moved, for the metrics, the status page and the access log: messages
 * and wire bytes (frame headers included) each way, and the heartbeat round-trip times. Each count has one writer at a time
 * (the reading thread under the session's read lock, writers under its write lock), so counting
 * is a plain field increment plus an uncontended {@code LongAdder} add for the path's totals; no
 * allocation. Other threads (monitors) read the fields without locking and may see values a
 * moment old. The no-op instance {@link #NONE} serves clients and tests.
 */
public final class SessionCounters {

    /** Counts nothing; for sessions no server observes (clients). */
    public static final SessionCounters NONE = new SessionCounters(null);

    /** The most bytes read that wait to be added to the path's total. */
    static final int UNFLUSHED_MAX = 1 << 30;

    /** The path's totals, or null for {@link #NONE}. */
    private final PathCounters path;
    private final long openedAtMillis = System.currentTimeMillis();
    // Plain fields: one writer each at a time; a monitor's unlocked read may be a moment old.
    private long messagesIn;
    private long bytesIn;
    /**
     * Bytes read and not yet added to the path's total, which is updated per message, not per
     * read; an int (the object is 8 bytes smaller), added early before it could overflow.
     */
    private int unflushedIn;
    private long messagesOut;
    private long bytesOut;

    SessionCounters(PathCounters path) {
        this.path = path;
    }

    /** {@code n} bytes were read from the peer (on the reading thread). */
    public final void read(int n) {
        if (path != null && n > 0) {
            bytesIn += n;
            if (unflushedIn > UNFLUSHED_MAX - n) {
                flush(); // a message of more than a GiB streamed in: count it on the way
            }
            unflushedIn += n;
        }
    }

    /** A whole message was read (on the reading thread). */
    public final void messageIn() {
        if (path != null) {
            messagesIn++;
            path.messagesIn.increment();
            path.bytesIn.add(unflushedIn);
            unflushedIn = 0;
        }
    }

    /**
     * A server frame of {@code opcode} with {@code length} payload bytes was written (under the
     * write lock); {@code fin} on the last frame of a message, which counts the message.
     */
    public final void frameOut(int opcode, boolean fin, int length) {
        if (path != null) {
            int wire = length + (length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10); // RFC 6455 §5.2, unmasked
            bytesOut += wire;
            path.bytesOut.add(wire);
            if (fin && !WebSocketProtocol.isControl(opcode)) {
                messagesOut++;
                path.messagesOut.increment();
            }
        }
    }

    /** A whole message, already encoded as {@code wireBytes} of frames, was written (topics). */
    public final void encodedOut(int wireBytes) {
        if (path != null) {
            bytesOut += wireBytes;
            path.bytesOut.add(wireBytes);
            messagesOut++;
            path.messagesOut.increment();
        }
    }

    /** A heartbeat ping was answered after {@code nanos}. */
    public final void roundTrip(long nanos) {
        if (path != null) {
            path.server().roundTrip(nanos);
        }
    }

    /** Adds the bytes read since the last message to the path's total (at the session's end). */
    final void flush() {
        if (path != null) {
            path.bytesIn.add(unflushedIn);
            unflushedIn = 0;
        }
    }

    public final long messagesIn() {
        return messagesIn;
    }

    public final long bytesIn() {
        return bytesIn;
    }

    public final long messagesOut() {
        return messagesOut;
    }

    public final long bytesOut() {
        return bytesOut;
    }

    /** When the session opened, in milliseconds since the epoch. */
    public final long openedAtMillis() {
        return openedAtMillis;
    }
}
