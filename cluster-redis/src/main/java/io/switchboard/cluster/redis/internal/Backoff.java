package io.switchboard.cluster.redis.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code min} to {@code max}, each drawn between half and
 * all of the current step ("equal jitter"), so instances that lost Redis together do not come
 * back in lockstep. Not thread-safe: one per reconnecting loop.
 */
public final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private long step;

    public Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ", " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.step = minNanos;
    }

    /** The next delay, and doubles the step up to the maximum. */
    public Duration next() {
        long current = step;
        step = Math.min(maxNanos, step > maxNanos / 2 ? maxNanos : step * 2);
        long half = current / 2;
        return Duration.ofNanos(half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }

    /** Back to the smallest step, after a success. */
    public void reset() {
        step = minNanos;
    }
}
