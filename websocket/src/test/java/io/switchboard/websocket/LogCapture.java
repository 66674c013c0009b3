package io.switchboard.websocket;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The messages one logger (java.util.logging, the System.Logger backend in tests) writes while
 * this is open, formatted with en-US as the default locale, which groups digits: a number logged
 * as a number would read "1,009". Closing restores the locale. Thread-safe.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger; // strong reference: JUL holds loggers weakly
    private final Locale previous = Locale.getDefault();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<Line> records = new CopyOnWriteArrayList<>();

    private record Line(java.util.logging.Level level, String text) {
    }
    private java.util.logging.Level previousLevel;

    private LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
    }

    static LogCapture of(Class<?> type) {
        LogCapture capture = new LogCapture(type.getName());
        Locale.setDefault(Locale.US);
        capture.previousLevel = capture.logger.getLevel();
        capture.logger.setLevel(java.util.logging.Level.ALL); // DEBUG lines too; the console handler still shows INFO and up
        capture.logger.addHandler(capture);
        return capture;
    }

    /** The formatted messages so far, oldest first. */
    List<String> lines() {
        return records.stream().map(Line::text).toList();
    }

    /** The formatted messages logged at {@code level} or above, oldest first. */
    List<String> linesAt(java.util.logging.Level level) {
        return records.stream().filter(r -> r.level().intValue() >= level.intValue())
                .map(Line::text).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(new Line(record.getLevel(), formatter.formatMessage(record)));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
        Locale.setDefault(previous);
    }
}
