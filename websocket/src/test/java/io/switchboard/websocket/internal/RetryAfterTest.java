package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Retry-After (RFC 9110 §10.2.3) in seconds and in the three HTTP-date formats (§5.6.7). */
class RetryAfterTest {

    /** RFC 9110's example date, minus two minutes. */
    private static final Instant NOW = Instant.parse("1994-11-06T08:47:37Z");

    @Test
    void delaySeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("0", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse(" 7 ", NOW));
    }

    @Test
    void anAbsurdNumberOfSecondsDoesNotOverflow() {
        assertEquals(Optional.of(Duration.ofSeconds(999_999_999_999L)), RetryAfter.parse("99999999999999999999999", NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"})
    void everyHttpDateFormatMeansTheSameMoment(String date) {
        assertEquals(Optional.of(Duration.ofMinutes(2)), RetryAfter.parse(date, NOW));
    }

    @Test
    void aDateInThePastMeansNow() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-5", "1.5", "soon", "Sun, 06 Nov 1994 08:49:37 CET", "Mon, 06 Nov 1994 08:49:37 GMT",
            "120 seconds"})
    void anythingElseIsNotUnderstood(String value) {
        assertEquals(Optional.empty(), RetryAfter.parse(value, NOW));
    }
}
