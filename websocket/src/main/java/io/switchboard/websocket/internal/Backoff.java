package io.switchboard.websocket.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter: the wait before attempt {@code n} (1 for the first retry) is
 * {@code initial × multiplier^(n−1)}, capped at {@code max}, of which a random share of up to
 * {@code jitter} is taken off, so that clients dropped together do not come back together. Pure
 * and immutable: the random number is the caller's.
 *
 * @param initial the wait before the first retry, before jitter; positive
 * @param max the longest wait, before jitter; at least {@code initial}
 * @param multiplier how much longer each wait is than the one before; at least 1
 * @param jitter the largest share of a wait taken off at random, 0 (none) to 1 (anything from
 *     zero to the full wait)
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial delay must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max delay " + max + " is below the initial delay " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be within 0..1, got " + jitter);
        }
    }

    /**
     * The wait before attempt {@code attempt} (1 or more).
     *
     * @param random a number in [0, 1): 0 takes nothing off, values near 1 take off {@code jitter}
     */
    public Duration delay(int attempt, double random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1); // may be infinite: capped next
        double capped = Math.min(nanos, (double) max.toNanos());
        return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
    }
}
