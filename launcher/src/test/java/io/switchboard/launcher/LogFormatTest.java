package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** Log lines name their level as --log-level does, not as java.util.logging does. */
class LogFormatTest {

    private static String format(Level level, String message, Object... parameters) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("io.switchboard.test");
        record.setParameters(parameters);
        return new LogFormat().format(record);
    }

    @Test
    void levelsAreNamedAsTheLogLevelFlagNamesThem() {
        assertEquals("ERROR", LogFormat.levelName(Level.SEVERE));
        assertEquals("WARNING", LogFormat.levelName(Level.WARNING));
        assertEquals("INFO", LogFormat.levelName(Level.INFO));
        assertEquals("DEBUG", LogFormat.levelName(Level.CONFIG));
        assertEquals("DEBUG", LogFormat.levelName(Level.FINE));
        assertEquals("TRACE", LogFormat.levelName(Level.FINER));
        assertEquals("TRACE", LogFormat.levelName(Level.FINEST));
    }

    @Test
    void oneLineWithTimeLevelLoggerAndTheFormattedMessage() {
        String line = format(Level.FINE, "{0}: removed, uninstalled {1}", "t.jar", "test.t 1.0.0 [6]");
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d DEBUG io\\.switchboard\\.test: "
                + "t\\.jar: removed, uninstalled test\\.t 1\\.0\\.0 \\[6\\]" + System.lineSeparator()), line);
    }

    @Test
    void aThrowableFollowsWithItsStackTrace() {
        LogRecord record = new LogRecord(Level.SEVERE, "handler failed");
        record.setLoggerName("io.switchboard.test");
        record.setThrown(new IllegalStateException("boom"));
        String text = new LogFormat().format(record);
        assertTrue(text.contains(" ERROR io.switchboard.test: handler failed" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom"), text);
        assertTrue(text.contains("\tat io.switchboard.launcher.LogFormatTest."), text);
    }
}
