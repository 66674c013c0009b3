package io.switchboard.websocket.internal;

/**
 * A rate limit: {@code rate} events per second sustained, bursts of up to {@code burst}. Time
 * comes from the caller (nanoseconds, as {@link System#nanoTime()}), so it is testable without a
 * clock. Not thread-safe: one owner at a time.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double rate;
    private final double burst;
    private double tokens;
    private long refilledAt;

    /**
     * @param rate events per second sustained, positive
     * @param burst events allowed at once from a full bucket, at least 1
     * @param now the current time in nanoseconds; the bucket starts full
     */
    public TokenBucket(double rate, double burst, long now) {
        if (!(rate > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1, got " + rate + ", " + burst);
        }
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /** Takes one token if there is one at {@code now}; returns whether it did. */
    public boolean tryTake(long now) {
        refill(now);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether the bucket is full again at {@code now}: its owner no longer needs to remember it. */
    public boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    /** Whole seconds until the next token, at least 1: for Retry-After. */
    public long secondsToNextToken(long now) {
        refill(now);
        return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * rate / NANOS_PER_SECOND);
            refilledAt = now;
        }
    }
}
