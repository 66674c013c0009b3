package io.switchboard.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/** The accept loop's answer to failing accepts: growing pauses, one warning per run of failures. */
class AcceptFailuresTest {

    /** The lines logged, as "LEVEL message". */
    private final List<String> lines = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final AcceptFailures failures = new AcceptFailures(new Recording(), "/127.0.0.1:8080", pauses::add);

    @Test
    void pausesGrowFromTenMillisecondsToOneSecondAndStayThere() {
        for (int i = 0; i < 10; i++) {
            failures.failed(new IOException("Too many open files"));
        }
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L),
                pauses.stream().map(Duration::toMillis).toList());
    }

    @Test
    void aRunOfFailuresWarnsOnceAndRecoveryIsLoggedOnce() {
        for (int i = 0; i < 50; i++) {
            failures.failed(new IOException("Too many open files"));
        }
        failures.succeeded();
        failures.succeeded();

        assertEquals(List.of("WARNING accept failed on /127.0.0.1:8080: java.io.IOException: Too many open files;"
                        + " retrying, pausing up to 1000 ms between tries",
                "INFO accepting again on /127.0.0.1:8080 after 50 failed tries"),
                lines.stream().filter(l -> !l.startsWith("DEBUG")).toList());
        assertEquals(49, lines.stream().filter(l -> l.startsWith("DEBUG")).count());
    }

    @Test
    void afterRecoveryTheNextRunStartsAgainWithTheShortPauseAndAWarning() {
        failures.failed(new IOException("one"));
        failures.failed(new IOException("two"));
        failures.succeeded();
        lines.clear();
        pauses.clear();

        failures.failed(new IOException("three"));

        assertEquals(List.of(Duration.ofMillis(10)), pauses);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("WARNING accept failed on /127.0.0.1:8080: java.io.IOException: three"), lines::toString);
    }

    @Test
    void successWithoutFailuresLogsNothing() {
        failures.succeeded();
        assertEquals(List.of(), lines);
    }

    @Test
    void anInterruptedPauseReturnsWithTheInterruptStatusSet() {
        AcceptFailures interrupted = new AcceptFailures(new Recording(), "here", d -> {
            throw new InterruptedException();
        });
        try {
            interrupted.failed(new IOException("x"));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    private final class Recording implements System.Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }
    }
}
