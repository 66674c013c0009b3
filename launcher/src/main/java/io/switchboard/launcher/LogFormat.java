package io.switchboard.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per event: {@code 2026-11-25 21:00:00 DEBUG io.switchboard.Foo: message}, with the
 * level named as in {@code --log-level} (ERROR, WARNING, INFO, DEBUG, TRACE) rather than
 * java.util.logging's SEVERE, FINE, FINER. A stack trace, if any, follows on its own lines.
 * Thread-safe.
 */
final class LogFormat extends Formatter {

    /**
     * For loggers of code that is not ours (FileInstall) and logs an exception with every
     * failure: the exception's messages are folded into the line and the stack trace dropped,
     * so one failure is one line.
     */
    static final Filter FOLD_THROWN = record -> {
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            record.setMessage(record.getMessage() + ": " + DeployDirectory.oneLine(thrown));
            record.setThrown(null);
        }
        return true;
    };

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(128)
                .append(TIME.format(LocalDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
                .append(' ').append(levelName(record.getLevel()))
                .append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record))
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            sb.append(trace);
        }
        return sb.toString();
    }

    /** The System.Logger name of a java.util.logging level, as --log-level spells it. */
    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARNING";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }
}
