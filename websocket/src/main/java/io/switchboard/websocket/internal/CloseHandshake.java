package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * The closing handshake of a {@link WebSocketSession} (RFC 6455 §7): sending our close frame
 * once, answering the peer's, waiting a bounded time for the answer to ours, failing the
 * connection on a violation (§7.1.7), dropping it when the output is unusable, and the close
 * status and reason the session reports afterwards.
 *
 * <p>Static only: the handshake's state ({@code closeSent}, {@code closeReceived}, the statuses
 * and reasons, {@code closeDeadline}) stays in the session's fields, so the split adds no object
 * to a session. Log lines go to the session's logger. Thread safety is the session's: our close
 * frame is written under the writer's frame lock, the peer's is read under the session's read
 * lock, and every flag is volatile and set once.
 */
final class CloseHandshake {

    /** The most bytes read and discarded while waiting for the peer to end its stream after we failed it. */
    static final long LINGER_MAX_BYTES = 4L * 1024 * 1024;

    private CloseHandshake() {
    }

    /** Closes with {@code status} (checked by the caller) and waits, within the close timeout, for the answer. */
    static void close(WebSocketSession s, CloseStatus status, String reason) {
        if (!sendClose(s, status.code(), reason, status)) {
            return;
        }
        if (s.closeReceived) {
            finishClosedConnection(s);
        } else {
            awaitPeerClose(s);
        }
    }

    /**
     * The owner is done with the connection: closes it with 1000 if still open, or completes a
     * close handshake in progress, within the close timeout.
     */
    static void finish(WebSocketSession s) {
        if (s.isOpen()) {
            s.close(CloseStatus.NORMAL, "");
        } else if (!s.terminated) {
            if (s.closeSent) {
                awaitPeerClose(s);
            } else {
                s.terminate();
            }
        }
    }

    /** The peer's close frame arrived (onClose ran): answers it unless we started, then ends. */
    static void answerPeerClose(WebSocketSession s) {
        if (!s.closeSent) {
            CloseStatus echo = s.receivedStatus.isSendable() ? s.receivedStatus : null;
            sendClose(s, echo == null ? -1 : echo.code(), echo == null ? "" : s.receivedReason, echo);
        }
        finishClosedConnection(s);
    }

    /**
     * Writes our close frame once; returns false if one was already sent or the transport is gone.
     * Waits at most the close timeout for a send in progress: one stuck on a peer that stopped
     * reading would hold the close frame back until the write timeout, so the connection is
     * dropped instead.
     */
    static boolean sendClose(WebSocketSession s, int code, String reason, CloseStatus status) {
        SessionWriter out = s.out;
        if (!out.lockFrameWithin(s.config.closeTimeout())) {
            WebSocketSession.LOG.log(Level.DEBUG, "{0}: close frame held back by a blocked send for {1} ms", s,
                    String.valueOf(s.config.closeTimeout().toMillis()));
            abort(s, status == null ? CloseStatus.NO_STATUS_RECEIVED : status, reason);
            return false;
        }
        try {
            if (s.closeSent || s.terminated) {
                return false;
            }
            s.sentStatus = status == null ? CloseStatus.NO_STATUS_RECEIVED : status;
            s.sentReason = reason;
            s.closeSent = true;
            out.closeFrame(code, reason);
            return true;
        } catch (IOException e) {
            WebSocketSession.LOG.log(Level.DEBUG, "{0}: close frame not written: {1}", s, e.toString());
            s.terminate();
            return false;
        } finally {
            out.unlockFrame();
        }
    }

    /**
     * After sending our close frame: reads (and discards) until the peer's close frame, for at
     * most the close timeout. If another thread is blocked in read(), that thread will see the
     * close frame; the deadline releases the transport if it never comes.
     */
    static void awaitPeerClose(WebSocketSession s) {
        ScheduledFuture<?> deadline = Timer.after(s.config.closeTimeout(), s::terminate);
        CompactLock readLock = s.readLock;
        boolean locked = readLock.tryLock();
        if (locked && s.parked) {
            readLock.unlock(); // parked: the resumed reader sees the close frame, as a reading thread would
            locked = false;
        }
        if (!locked) {
            // The reading thread finishes the handshake; the deadline bounds it, and goes when it ends.
            ScheduledFuture<?> earlier = s.closeDeadline;
            if (earlier != null && !earlier.isDone()) {
                deadline.cancel(false); // the earlier deadline bounds it already
            } else {
                s.closeDeadline = deadline;
                if (s.terminated) {
                    deadline.cancel(false);
                }
            }
            return;
        }
        try {
            while (!s.closeReceived && !s.terminated) {
                s.reader.readMessage(); // data after our close frame is discarded (§7.1.2)
            }
            finishClosedConnection(s);
        } catch (ProtocolException | IOException e) {
            WebSocketSession.LOG.log(Level.DEBUG, "{0}: no close frame from the peer: {1}", s, e.toString());
            s.terminate();
        } finally {
            readLock.unlock();
            deadline.cancel(false);
        }
    }

    /**
     * Fails the connection (§7.1.7): sends a close frame with {@code status}, half-closes and
     * drains the input for a bounded time so the peer can read the frame, then releases it.
     */
    static void fail(WebSocketSession s, CloseStatus status, String message) {
        incident(s, status, "closing with " + status.code() + ": " + message);
        String reason = truncate(message);
        if (sendClose(s, status.code(), reason, status)) {
            linger(s);
        }
        s.terminate();
    }

    /** Drops the connection without a close frame (the output is unusable), recording why. */
    static void abort(WebSocketSession s, CloseStatus status, String why) {
        if (s.terminated) {
            return;
        }
        incident(s, status, "dropping the connection: " + why);
        if (s.sentStatus == null) {
            s.sentStatus = status;
            s.sentReason = why;
        }
        s.closeSent = true;
        s.terminate();
    }

    /** A close the session's own timers decided (read timeout, pong timeout): logged as an incident, then a normal close. */
    static void closeFromTimer(WebSocketSession s, CloseStatus status, String reason) {
        incident(s, status, "closing with " + status.code() + ": " + reason);
        s.close(status, reason);
    }

    /** Once both close frames are exchanged: the server releases TCP now, the client waits for it. */
    private static void finishClosedConnection(WebSocketSession s) {
        if (s.isClient) {
            linger(s); // §7.1.1: the server should close the TCP connection first
        }
        s.terminate();
    }

    /**
     * Half-closes our output and reads until the peer's end of stream, for at most the close
     * timeout and {@link #LINGER_MAX_BYTES}: enough for a peer to finish the frame it was sending
     * and read our close frame, not for one that keeps flooding after it.
     */
    private static void linger(WebSocketSession s) {
        ScheduledFuture<?> deadline = Timer.after(s.config.closeTimeout(), s::terminate);
        try {
            s.connection.shutdownOutput();
            byte[] sink = new byte[8192];
            long discarded = 0;
            int n;
            while ((n = s.input.read(sink)) >= 0) {
                discarded += n;
                if (discarded > LINGER_MAX_BYTES) {
                    break; // a peer still flooding us: not worth more of our CPU
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The peer is gone or slow: release the transport regardless.
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * Logs a close the peer caused (a violation, a limit, a timeout). On a server it goes to the
     * incident summary and to DEBUG, so a flood of them cannot flood the log; else to INFO.
     */
    static void incident(WebSocketSession s, CloseStatus status, String what) {
        IncidentSummary incidents = s.config.incidents();
        if (incidents != null) {
            incidents.closed(status.code());
        }
        WebSocketSession.LOG.log(incidents == null ? Level.INFO : Level.DEBUG, "{0}: {1}", s, what);
    }

    /** The status the session reports once it is no longer open: the peer's, else ours, else 1006. */
    static Optional<CloseStatus> closeStatus(WebSocketSession s) {
        if (s.isOpen()) {
            return Optional.empty();
        }
        CloseStatus received = s.receivedStatus;
        if (received != null) {
            return Optional.of(received);
        }
        CloseStatus sent = s.sentStatus;
        return Optional.of(sent != null ? sent : CloseStatus.ABNORMAL_CLOSURE);
    }

    /** The reason that goes with {@link #closeStatus}, if it is not empty. */
    static Optional<String> closeReason(WebSocketSession s) {
        if (s.isOpen()) {
            return Optional.empty();
        }
        String reason = s.receivedStatus != null ? s.receivedReason : s.sentReason;
        return reason == null || reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }

    /** Cuts {@code message} to what fits a close frame's reason, on a character boundary. */
    static String truncate(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= WebSocketProtocol.CLOSE_REASON_MAX) {
            return message;
        }
        int end = WebSocketProtocol.CLOSE_REASON_MAX;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut inside a UTF-8 sequence
        }
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    }
}
