package io.switchboard.websocket.internal;

import java.time.Duration;

/**
 * The limits one session runs with (zero durations and counts mean "off").
 *
 * @param maxMessageSize the largest message payload accepted; larger ones close with 1009
 * @param closeTimeout how long to wait for the peer's close frame or end of stream
 * @param pingInterval how often to ping the peer
 * @param maxMissedPongs consecutive unanswered pings after which the connection closes with 1001
 * @param readTimeout how long nothing at all may arrive before the connection closes with 1001
 * @param writeTimeout how long one blocked write may last before the connection is dropped
 * @param outboundBudget bytes that may wait for their turn to be written, beyond the one being
 *     written, before the slow-peer policy applies
 * @param closeSlowPeer true: exceeding the budget closes the connection with 1008; false: the
 *     sender blocks, up to the write timeout
 * @param controlFrameRate pings and pongs per second a peer may send, sustained (bursts of twice
 *     as many); faster closes with 1008; 0: unlimited
 * @param inboundMemory the budget that message assembly and inflation are charged to
 * @param incidents where closes caused by the peer are summed up for the log; null: each is
 *     logged at INFO (a client has no flood to summarise)
 * @param fragmentSize the largest frame payload sent: longer messages go out in fragments, and
 *     control frames between them
 * @param maxStreamedMessageSize the largest message read as a stream; larger ones close with
 *     1009; 0: unlimited
 */
public record SessionConfig(long maxMessageSize, Duration closeTimeout, Duration pingInterval, int maxMissedPongs,
        Duration readTimeout, Duration writeTimeout, long outboundBudget, boolean closeSlowPeer,
        int controlFrameRate, InboundMemory inboundMemory, IncidentSummary incidents, int fragmentSize,
        long maxStreamedMessageSize) {

    /** The watchdog period: fine enough for every enabled timer, coarse enough to cost nothing. */
    Duration tick() {
        Duration tick = pingInterval.isZero() ? Duration.ofDays(1) : pingInterval;
        for (Duration timeout : new Duration[] {readTimeout, writeTimeout}) {
            Duration quarter = timeout.dividedBy(4);
            if (!timeout.isZero() && quarter.compareTo(tick) < 0) {
                tick = quarter;
            }
        }
        return tick.compareTo(Duration.ofMillis(5)) < 0 ? Duration.ofMillis(5) : tick;
    }

    /** The control-frame rate limit of a new session, or null when there is none. */
    TokenBucket controlFrameLimit() {
        return controlFrameRate == 0 ? null : new TokenBucket(controlFrameRate, 2.0 * controlFrameRate, System.nanoTime());
    }

    /** Whether any timer needs the watchdog. */
    boolean needsWatchdog() {
        return !pingInterval.isZero() || !readTimeout.isZero() || !writeTimeout.isZero();
    }
}
