package io.switchboard.launcher;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes; the way the tests wait for state that
 * has no event to wait on (a bundle's state, a log line, a reply on a fresh connection). A short
 * pause between polls keeps the loop from spinning; it is never the wait itself: the condition is
 * probed again after every pause and once more at the deadline, so a pause only ever delays
 * noticing a condition by about {@link #POLL_MILLIS}, and never decides the outcome.
 */
final class BoundedWait {

    private static final long POLL_MILLIS = 10;

    private BoundedWait() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Returns the first non-null value of {@code probe}; fails naming {@code what} after {@code timeout}. */
    static <T> T until(Duration timeout, String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                // The poll interval, not a wait for anything. Thread.sleep rather than
                // LockSupport.parkNanos: it throws on interrupt, where parkNanos would return at once
                // and turn the rest of the wait into a busy spin.
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
