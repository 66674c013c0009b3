package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PING;

import io.switchboard.api.CloseStatus;
import java.nio.ByteBuffer;

/**
 * The periodic check of one {@link WebSocketSession}, run with every other session's by {@link
 * Watchdogs} on the shared {@link Timer}: the write timeout, the read timeout, heartbeat pings
 * and the pongs that answer them (missed-pong limit, round-trip time); and the limit on the rate
 * of the peer's pings and pongs.
 *
 * <p>Static only: the timer state ({@code watchedWrite}, {@code nextPingAt}, the ping counters,
 * the control-frame bucket) stays in the session's fields, so the split adds no object to a
 * session. {@link #tick} runs on the timer thread and never blocks: anything that writes goes to
 * a virtual thread. {@link #pongArrived} and {@link #checkControlFrameRate} run on the reading
 * thread.
 */
final class SessionWatchdog {

    private SessionWatchdog() {
    }

    /** The check, on the shared timer thread: checks deadlines, never blocks. */
    static void tick(WebSocketSession s) {
        if (s.terminated) {
            return;
        }
        SessionConfig config = s.config;
        long now = System.nanoTime();
        long write = s.out.writeInProgress();
        if (write != s.watchedWrite) {
            s.watchedWrite = write;
            s.watchedSince = now;
        } else if (write != 0 && now - s.watchedSince > config.writeTimeout().toNanos()) {
            CloseHandshake.abort(s, CloseStatus.GOING_AWAY, "write timeout: a write blocked for more than "
                    + config.writeTimeout().toMillis() + " ms");
            return;
        }
        if (s.closeSent || s.closeReceived) {
            return; // closing: the close timeout bounds what is left
        }
        if (!config.readTimeout().isZero() && now - s.input.lastActivity() > config.readTimeout().toNanos()) {
            Thread.ofVirtual().start(() -> CloseHandshake.closeFromTimer(s, CloseStatus.GOING_AWAY, "read timeout"));
            return;
        }
        if (!config.pingInterval().isZero() && now - s.nextPingAt >= 0) {
            s.nextPingAt = now + config.pingInterval().toNanos();
            if (config.maxMissedPongs() > 0 && s.unansweredPings >= config.maxMissedPongs()) {
                Thread.ofVirtual().start(() -> CloseHandshake.closeFromTimer(s, CloseStatus.GOING_AWAY, "pong timeout"));
                return;
            }
            s.unansweredPings++;
            Thread.ofVirtual().start(() -> sendHeartbeat(s));
        }
    }

    /** Sends a heartbeat ping carrying the System.nanoTime() it was sent at. */
    private static void sendHeartbeat(WebSocketSession s) {
        long now = System.nanoTime();
        s.pingSentAt = now;
        SessionSends.frame(s, OPCODE_PING, ByteBuffer.allocate(Long.BYTES).putLong(now).array(), 0, Long.BYTES);
    }

    /** Fails the session with 1008 when pings and pongs arrive faster than the configured rate; reading thread only. */
    static void checkControlFrameRate(WebSocketSession s) {
        SessionConfig config = s.config;
        if (config.controlFrameRate() == 0) {
            return;
        }
        if (s.controlFrames == null) {
            s.controlFrames = config.controlFrameLimit(); // full now, as it would be by now had it started with the session
        }
        if (!s.controlFrames.tryTake(System.nanoTime())) {
            throw new ProtocolException(CloseStatus.POLICY_VIOLATION, "pings and pongs arrive faster than "
                    + config.controlFrameRate() + " per second");
        }
    }

    /**
     * A pong arrived (on the reading thread): clears the missed-pong count and, if it echoes one
     * of our heartbeats, records the round-trip time.
     */
    static void pongArrived(WebSocketSession s, byte[] payload) {
        // Timed from the heartbeat it echoes: a pong slower than the ping interval answers an
        // earlier ping than the last one sent.
        if (payload.length == Long.BYTES && s.unansweredPings > 0) {
            long sent = ByteBuffer.wrap(payload).getLong();
            if (sent - s.openedAt >= 0 && s.pingSentAt - sent >= 0) {
                s.roundTripNanos = System.nanoTime() - sent;
                s.counters.roundTrip(s.roundTripNanos);
            }
        }
        s.unansweredPings = 0;
    }
}
