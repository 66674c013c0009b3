package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The server-wide budget for inbound message memory: the bytes of message assembly and
 * inflation that all sessions together hold. Each reader charges its buffers to an
 * {@link Account}; a charge that would push the total over the limit fails that one session
 * with 1013 (try again later), and nobody else notices: each account's first
 * {@link #ALLOWANCE} bytes are not counted, so sessions with ordinary messages never meet the
 * limit. Thread-safe.
 */
public final class InboundMemory {

    /** No limit: for clients, and servers configured with 0. */
    public static final InboundMemory UNLIMITED = new InboundMemory(Long.MAX_VALUE);

    /** Bytes of each account not counted against the budget: one frame-reading chunk. */
    public static final long ALLOWANCE = 64 * 1024;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit the most bytes all accounts together may hold */
    public InboundMemory(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** The bytes counted against the budget now, by all accounts together (beyond their allowance). */
    public long used() {
        return used.get();
    }

    /** The most bytes all accounts together may hold. */
    public long limit() {
        return limit;
    }

    /** A new, empty account: one per session. */
    public Account account() {
        return new Account();
    }

    private boolean take(long bytes) {
        if (limit == Long.MAX_VALUE) {
            used.addAndGet(bytes); // still counted, for metrics
            return true;
        }
        if (used.addAndGet(bytes) > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /**
     * What one session holds. The first {@link #ALLOWANCE} bytes of each account are not
     * counted against the budget: a session exchanging ordinary messages never needs the budget,
     * so a full budget only stops the sessions assembling large messages. Charges come from the
     * session's reading thread; {@link #close()} may come from any thread and gives back
     * everything, after which charges fail.
     */
    public final class Account {

        private static final AtomicLongFieldUpdater<Account> HELD =
                AtomicLongFieldUpdater.newUpdater(Account.class, "held");

        /** Bytes held; -1 once closed. A plain field with an updater: one object less per session. */
        private volatile long held;

        private Account() {
        }

        /**
         * Changes what this account holds by {@code delta} bytes (negative gives back).
         *
         * @throws ProtocolException with 1013 if the budget cannot take the bytes, or the account
         *     was closed
         */
        public void charge(long delta) {
            while (true) {
                long h = held;
                if (h < 0) {
                    if (delta > 0) {
                        throw new ProtocolException(CloseStatus.TRY_AGAIN_LATER, "session closed");
                    }
                    return; // closed: everything was given back already
                }
                long next = Math.max(0, h + delta);
                long counted = counted(next) - counted(h);
                if (counted > 0 && !take(counted)) {
                    throw new ProtocolException(CloseStatus.TRY_AGAIN_LATER, "the server's inbound memory budget of "
                            + limit + " bytes cannot take " + counted + " more bytes (" + used() + " in use)");
                }
                if (HELD.compareAndSet(this, h, next)) {
                    if (counted < 0) {
                        used.addAndGet(counted);
                    }
                    return;
                }
                if (counted > 0) {
                    used.addAndGet(-counted); // lost a race with close(): try again, which fails
                }
            }
        }

        /** The bytes this account holds now, counted or not. */
        public long held() {
            return Math.max(0, held);
        }

        /** Gives back everything this account holds; later charges fail. Idempotent. */
        public void close() {
            long h = HELD.getAndSet(this, -1);
            if (h > 0) {
                used.addAndGet(-counted(h));
            }
        }

        private static long counted(long held) {
            return Math.max(0, held - ALLOWANCE);
        }
    }
}
