package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential backoff with jitter, computed for given random numbers. */
class BackoffTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5);

    @Test
    void eachWaitDoublesFromTheInitialDelay() {
        assertEquals(Duration.ofMillis(500), BACKOFF.delay(1, 0));
        assertEquals(Duration.ofMillis(1000), BACKOFF.delay(2, 0));
        assertEquals(Duration.ofMillis(2000), BACKOFF.delay(3, 0));
        assertEquals(Duration.ofMillis(16000), BACKOFF.delay(6, 0));
    }

    @Test
    void waitsStopGrowingAtTheMaximumEvenForHugeAttemptNumbers() {
        assertEquals(Duration.ofSeconds(30), BACKOFF.delay(7, 0));
        assertEquals(Duration.ofSeconds(30), BACKOFF.delay(Integer.MAX_VALUE, 0));
    }

    @Test
    void jitterTakesOffUpToItsShare() {
        assertEquals(Duration.ofMillis(750), BACKOFF.delay(2, 0.5));
        assertEquals(Duration.ofMillis(15000), BACKOFF.delay(100, 1.0)); // the limit, never reached: random < 1
        Backoff full = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, 1.0);
        assertEquals(Duration.ZERO, full.delay(5, 1.0));
        assertEquals(Duration.ofSeconds(1), full.delay(5, 0));
    }

    @Test
    void aMultiplierOfOneWaitsTheSameEachTime() {
        Backoff constant = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 1.0, 0);
        assertEquals(Duration.ofSeconds(2), constant.delay(1, 0.7));
        assertEquals(Duration.ofSeconds(2), constant.delay(50, 0.7));
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, -0.1));
        assertThrows(IllegalArgumentException.class, () -> BACKOFF.delay(0, 0));
    }
}
