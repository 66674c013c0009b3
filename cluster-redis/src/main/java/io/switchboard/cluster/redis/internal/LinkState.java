package io.switchboard.cluster.redis.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Whether this instance reaches Redis on both of its connections (the subscription and the
 * publishing one), and the log lines that say so: one WARNING when the link is lost (or cannot
 * be made at start), one INFO when it is back, nothing in between however often the reconnects
 * fail. Thread-safe.
 */
public final class LinkState {

    /** One of the two connections. */
    public enum Side { LISTENER, PUBLISHER }

    private static final System.Logger LOG = System.getLogger("io.switchboard.cluster.redis");

    private final String endpoint;
    private final Consumer<Boolean> onChange;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private boolean listening;
    /** Guarded by lock. */
    private boolean publishing;
    /** Guarded by lock: both sides were up at least once and then one went down, not yet back. */
    private boolean degraded;
    /** Guarded by lock: both sides have been up together at least once. */
    private boolean everConnected;
    /** Guarded by lock. */
    private long lostAt;
    private volatile boolean connected;

    /** @param onChange told true when the link comes up, false when it goes down (under no lock of ours) */
    public LinkState(String endpoint, Consumer<Boolean> onChange) {
        this.endpoint = endpoint;
        this.onChange = onChange;
    }

    /** {@code side} works (the subscription is confirmed, or Redis answered the publisher). */
    public void up(Side side) {
        Boolean change = null;
        lock.lock();
        try {
            boolean was = listening && publishing;
            if (side == Side.LISTENER) {
                listening = true;
            } else {
                publishing = true;
            }
            if (!was && listening && publishing) {
                connected = true;
                change = true;
                if (degraded) {
                    degraded = false;
                    LOG.log(Level.INFO, "cluster: reconnected to Redis at {0} after {1} s; no longer degraded, topics span every instance again",
                            endpoint, String.valueOf((System.nanoTime() - lostAt) / 1_000_000_000L));
                } else if (!everConnected) {
                    LOG.log(Level.INFO, "cluster: connected to Redis at {0}; topics span every instance", endpoint);
                }
                everConnected = true;
            }
        } finally {
            lock.unlock();
        }
        if (change != null) {
            onChange.accept(change);
        }
    }

    /** {@code side} failed or broke; logs once per outage. */
    public void down(Side side, String why) {
        Boolean change = null;
        lock.lock();
        try {
            boolean was = listening && publishing;
            if (side == Side.LISTENER) {
                listening = false;
            } else {
                publishing = false;
            }
            if (!degraded) {
                degraded = true;
                lostAt = System.nanoTime();
                LOG.log(Level.WARNING, "cluster: {0} Redis at {1} ({2}): DEGRADED, topics reach this instance''s subscribers only; reconnecting with backoff",
                        was || everConnected ? "lost" : "cannot reach", endpoint, why);
            }
            if (was) {
                connected = false;
                change = false;
            }
        } finally {
            lock.unlock();
        }
        if (change != null) {
            onChange.accept(change);
        }
    }

    /** Whether both connections work. */
    public boolean connected() {
        return connected;
    }

    /** Whether the subscription is up (messages of other instances arrive). */
    public boolean listening() {
        lock.lock();
        try {
            return listening;
        } finally {
            lock.unlock();
        }
    }
}
