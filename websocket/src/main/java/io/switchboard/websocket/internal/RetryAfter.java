package io.switchboard.websocket.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Retry-After} header field (RFC 9110 §10.2.3): a number of seconds, or an
 * HTTP-date (§5.6.7) in any of its three formats, which recipients must all accept: IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 form ({@code Sunday, 06-Nov-94
 * 08:49:37 GMT}) and ANSI C's asctime form ({@code Sun Nov  6 08:49:37 1994}). Pure.
 */
public final class RetryAfter {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private RetryAfter() {
    }

    /**
     * How long to wait from {@code now}, as {@code value} says: its seconds, or the time until
     * its date (zero for a date in the past). Empty for a value that is neither.
     */
    public static Optional<Duration> parse(String value, Instant now) {
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // delay-seconds = 1*DIGIT; a huge value is as good as forever
            return Optional.of(v.length() > 12 ? Duration.ofSeconds(999_999_999_999L) : Duration.ofSeconds(Long.parseLong(v)));
        }
        return date(v, now).map(at -> at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    }

    private static Optional<Instant> date(String v, Instant now) {
        for (DateTimeFormatter format : List.of(IMF_FIXDATE, ASCTIME)) {
            try {
                return Optional.of(LocalDateTime.parse(v, format).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                // next format
            }
        }
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year more than 50 years ahead
        // is the most recent past year with those digits (§5.6.7); the weekday is not checked.
        int comma = v.indexOf(", ");
        if (comma < 0) {
            return Optional.empty();
        }
        DateTimeFormatter rfc850 = new DateTimeFormatterBuilder().appendPattern("dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear() - 49)
                .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ROOT);
        try {
            return Optional.of(LocalDateTime.parse(v.substring(comma + 2), rfc850).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
