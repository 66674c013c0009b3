package io.switchboard.cluster.redis.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Whether this instance reaches Redis, and the log lines that say so: one WARNING when the link
 * is lost (or cannot be made at start), one INFO when it is back, nothing in between however
 * often the reconnects fail. Thread-safe.
 */
public final class LinkState {

    private static final System.Logger LOG = System.getLogger("io.switchboard.cluster.redis");

    private final String endpoint;
    private final Consumer<Boolean> onChange;
    /** Null before the first attempt ended; then whether Redis is reachable. */
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private volatile long lostAt;

    /** @param onChange told true when the link comes up, false when it goes down */
    public LinkState(String endpoint, Consumer<Boolean> onChange) {
        this.endpoint = endpoint;
        this.onChange = onChange;
    }

    /** The subscription is confirmed: messages of other instances flow again. */
    public void up() {
        if (connected.compareAndSet(false, true)) {
            if (degraded.compareAndSet(true, false)) {
                LOG.log(Level.INFO, "cluster: reconnected to Redis at {0} after {1} s; no longer degraded, topics span every instance again",
                        endpoint, String.valueOf((System.nanoTime() - lostAt) / 1_000_000_000L));
            } else {
                LOG.log(Level.INFO, "cluster: connected to Redis at {0}; topics span every instance", endpoint);
            }
            onChange.accept(true);
        }
    }

    /** A connection to Redis failed or broke; logs once per outage. */
    public void down(String why) {
        boolean was = connected.getAndSet(false);
        if (degraded.compareAndSet(false, true)) {
            lostAt = System.nanoTime();
            LOG.log(Level.WARNING, "cluster: {0} Redis at {1} ({2}): DEGRADED, topics reach this instance''s subscribers only; reconnecting with backoff",
                    was ? "lost" : "cannot reach", endpoint, why);
            onChange.accept(false);
        } else if (was) {
            onChange.accept(false);
        }
    }

    public boolean connected() {
        return connected.get();
    }
}
