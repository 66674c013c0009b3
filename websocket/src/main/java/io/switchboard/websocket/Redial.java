package io.switchboard.websocket;

import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.Backoff;
import io.switchboard.websocket.internal.RetryAfter;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The connect attempts of a {@link ReconnectingWebSocketClient}, one run at a time: wait
 * (backoff, or at least what {@code Retry-After} asks), connect, and decide whether to go on,
 * until an attempt connects, a failure is not to be retried, a bound is reached, or the client
 * is closed. One thread runs a run; {@link #wake()} may be called from any thread.
 */
final class Redial {

    /** Waits between attempts; the seam tests use to run without waiting. */
    interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    private static final System.Logger LOG = System.getLogger(ReconnectingWebSocketClient.class.getName());

    private final WebSocketClient client;
    private final Backoff backoff;
    /** Failed attempts in a row before giving up; 0: no limit. */
    private final int maxAttempts;
    private final Optional<Duration> giveUpAfter;
    private final Predicate<ConnectResult> retryWhen;
    private final Clock clock;
    private final DoubleSupplier random;
    /** Null: wait on {@link #woken}. */
    private final Pause pause;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled by {@link #wake()}: a wait re-checks whether the client was closed. */
    private final Condition woken = lock.newCondition();

    Redial(WebSocketClient client, Backoff backoff, int maxAttempts, Optional<Duration> giveUpAfter,
            Predicate<ConnectResult> retryWhen, Clock clock, DoubleSupplier random, Pause pause) {
        this.client = client;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.giveUpAfter = giveUpAfter;
        this.retryWhen = retryWhen;
        this.clock = clock;
        this.random = random;
        this.pause = pause;
    }

    /**
     * Runs attempts until one connects (its result), one fails for good or a bound is reached
     * (the last attempt's result), or {@code closed} turns true or the thread is interrupted
     * ({@link Outcome#CLOSED}; the interrupt status is kept).
     *
     * @param afterDrop whether the first attempt waits too (attempt 1 of the backoff); the first
     *     attempt of {@code connect()} does not
     * @param attempted told each attempt's result as it comes
     */
    ConnectResult run(boolean afterDrop, BooleanSupplier closed, Consumer<ConnectResult> attempted) {
        Instant start = clock.instant();
        int failures = 0;
        ConnectResult result = null;
        while (true) {
            if (afterDrop || failures > 0) {
                Duration delay = backoff.delay(afterDrop ? failures + 1 : failures, random.getAsDouble());
                if (result != null) {
                    Duration asked = retryAfter(result);
                    delay = asked.compareTo(delay) > 0 ? asked : delay;
                    if (giveUpAfter.isPresent()
                            && Duration.between(start, clock.instant()).plus(delay).compareTo(giveUpAfter.get()) > 0) {
                        return giveUp(result, "the next attempt would start more than "
                                + giveUpAfter.get().toMillis() + " ms after the first");
                    }
                }
                LOG.log(Level.DEBUG, "{0}: next attempt in {1} ms", client.url(), delay.toMillis());
                if (!waitFor(delay, closed)) {
                    return stopped(closed, result, attempted);
                }
            }
            if (closed.getAsBoolean()) {
                return stopped(closed, result, attempted);
            }
            result = client.connect();
            attempted.accept(result);
            if (closed.getAsBoolean()) {
                client.close(); // closed while we connected: the new connection must not outlive it
                return stopped(closed, result, attempted);
            }
            if (result.isConnected()) {
                return result;
            }
            failures++;
            if (!retryWhen.test(result)) {
                return giveUp(result, "it will not change by retrying");
            }
            if (maxAttempts > 0 && failures >= maxAttempts) {
                return giveUp(result, "after " + failures + " attempts");
            }
            LOG.log(Level.DEBUG, "{0}: attempt {1} failed: {2}", client.url(), failures, result);
        }
    }

    /** Ends a wait between attempts, which then finds the client closed. */
    void wake() {
        lock.lock();
        try {
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What a rejecting answer's Retry-After asks for; zero if none or unreadable. */
    private Duration retryAfter(ConnectResult result) {
        if (result.outcome() != Outcome.HANDSHAKE_REJECTED && result.outcome() != Outcome.PROXY_REJECTED) {
            return Duration.ZERO;
        }
        return result.headers().first("Retry-After").flatMap(v -> RetryAfter.parse(v, clock.instant()))
                .orElse(Duration.ZERO);
    }

    private ConnectResult giveUp(ConnectResult result, String why) {
        LOG.log(Level.WARNING, "{0}: giving up connecting, {1}: {2}", client.url(), why, result);
        return result;
    }

    private ConnectResult stopped(BooleanSupplier closed, ConnectResult last, Consumer<ConnectResult> attempted) {
        ConnectResult r = ConnectResult.failed(Outcome.CLOSED, (closed.getAsBoolean() ? "closed" : "interrupted")
                + " while connecting to " + client.url() + (last == null ? "" : "; last attempt: " + last));
        attempted.accept(r);
        return r;
    }

    /** Waits {@code delay} or until closed; false if closed or interrupted. */
    private boolean waitFor(Duration delay, BooleanSupplier closed) {
        try {
            if (pause != null) {
                pause.pause(delay);
                return !closed.getAsBoolean();
            }
            lock.lock();
            try {
                long nanos = delay.toNanos();
                while (!closed.getAsBoolean() && nanos > 0) {
                    nanos = woken.awaitNanos(nanos);
                }
                return !closed.getAsBoolean();
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
