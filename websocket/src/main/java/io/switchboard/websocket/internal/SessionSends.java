package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import java.io.IOException;

/**
 * The send side of a {@link WebSocketSession}: admits each frame a send, a ping or a topic
 * delivery writes, under the outbound budget and the slow-peer policy (close with 1008, or wait
 * up to the write timeout and then drop), and hands it to the session's {@link SessionWriter}.
 *
 * <p>Static only: the state (the budget, the writer, the close flags) stays in the session and
 * its writer, so the split adds no object to a session and no call through an interface to a
 * send. Any thread may send; the writer's locks order the frames.
 */
final class SessionSends {

    private SessionSends() {
    }

    /**
     * Sends one final frame unless our close frame has gone out. Waits its turn within the
     * outbound budget; the write itself is bounded by the write timeout (the watchdog drops the
     * connection if it lasts longer).
     *
     * @return false if closed, over budget, or the write failed (the connection is then released)
     */
    static boolean frame(WebSocketSession s, int opcode, byte[] payload, int offset, int length) {
        if (s.closeSent || s.terminated) {
            return false;
        }
        if (WebSocketProtocol.isControl(opcode)) {
            return s.out.control(opcode, payload, offset, length); // no budget: a pong never waits behind a broadcast
        }
        return reserve(s, length) && s.out.message(opcode, payload, offset, length);
    }

    /** See {@link WebSocketSession#sendShared}. */
    static boolean shared(WebSocketSession s, SharedFrame frame) {
        SessionWriter out = s.out;
        MessageDeflater deflater = out.deflater();
        if (s.isClient || deflater != null && !deflater.takesSharedFrame(frame.length())) {
            return frame(s, frame.opcode(), frame.payload(), 0, frame.length());
        }
        byte[] encoded = frame.encoded(deflater != null);
        int length = frame.length();
        return !s.closeSent && !s.terminated && reserve(s, length) && out.encoded(encoded, length);
    }

    /**
     * Takes {@code length} bytes of the outbound budget, applying the slow-peer policy when they
     * do not fit: close the peer with 1008, or wait up to the write timeout and then drop it.
     */
    private static boolean reserve(WebSocketSession s, int length) {
        SessionConfig config = s.config;
        OutboundBudget budget = s.out.budget();
        try {
            switch (budget.take(length, config.outboundBudget(), !config.closeSlowPeer(), config.writeTimeout(),
                    () -> s.closeSent || s.terminated)) {
                case TAKEN:
                    return true;
                case OVER:
                    long wanted = budget.waitingWith(length);
                    Thread.ofVirtual().start(() -> closeSlowPeer(s, wanted));
                    return false;
                case TIMED_OUT:
                    CloseHandshake.abort(s, CloseStatus.GOING_AWAY, "write timeout: outbound budget full for "
                            + config.writeTimeout().toMillis() + " ms");
                    return false;
                default:
                    return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The slow-peer policy's close: 1008 without queueing behind a writer that may be stuck on
     * this very peer; the connection is dropped if the frame lock is not free at once.
     */
    private static void closeSlowPeer(WebSocketSession s, long wanted) {
        CloseHandshake.incident(s, CloseStatus.POLICY_VIOLATION, "closing with 1008: " + wanted
                + " bytes would wait to be sent, the budget is " + s.config.outboundBudget());
        // The writer may be stuck on this very peer: don't queue behind it, drop if it is.
        SessionWriter out = s.out;
        if (out.tryLockFrame()) {
            try {
                if (!s.closeSent && !s.terminated) {
                    s.sentStatus = CloseStatus.POLICY_VIOLATION; // before closeSent: closeStatus() reads them in this order
                    s.sentReason = "slow consumer";
                    s.closeSent = true;
                    out.closeFrame(CloseStatus.POLICY_VIOLATION.code(), "slow consumer");
                }
            } catch (IOException e) {
                s.terminate();
            } finally {
                out.unlockFrame();
            }
            CloseHandshake.awaitPeerClose(s);
        } else {
            CloseHandshake.abort(s, CloseStatus.POLICY_VIOLATION, "slow consumer");
        }
    }
}
