package io.switchboard.launcher;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes; the only way the tests wait. A short
 * pause between polls keeps the loop from spinning; it is never the wait itself.
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
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
