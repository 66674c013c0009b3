package io.switchboard.launcher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records the formatted log lines of one class's {@code System.Logger} (backed by
 * java.util.logging in the tests) from the moment it is attached until it is closed.
 * Thread-safe.
 */
final class LogRecorder extends Handler implements AutoCloseable {

    /** One formatted line and its level. */
    record Line(Level level, String message) {
    }

    private final Logger logger; // strong reference: JUL keeps loggers weakly
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogRecorder(Logger logger) {
        this.logger = logger;
    }

    static LogRecorder of(Class<?> type) {
        return of(type.getName());
    }

    /** Records the logger named {@code name} (e.g. {@code "fileinstall"}). */
    static LogRecorder of(String name) {
        LogRecorder recorder = new LogRecorder(Logger.getLogger(name));
        recorder.logger.addHandler(recorder);
        return recorder;
    }

    /** The lines at {@code level} whose message starts with {@code prefix}. */
    List<String> lines(Level level, String prefix) {
        return lines.stream().filter(l -> l.level().equals(level) && l.message().startsWith(prefix))
                .map(Line::message).toList();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(new Line(record.getLevel(), formatter.formatMessage(record)));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
