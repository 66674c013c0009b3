package io.switchboard.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code --log-format json}: one JSON object per line, {@code {"time":…,"level":…,"logger":…,
 * "message":…}}, plus a {@code "stack"} for a throwable. A record whose second parameter is a
 * {@code Map} (the access log's fields) also carries those fields as members. Thread-safe.
 */
final class JsonLogFormat extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(256).append("{\"time\":").append(quote(record.getInstant().toString()))
                .append(",\"level\":").append(quote(LogFormat.levelName(record.getLevel())))
                .append(",\"logger\":").append(quote(String.valueOf(record.getLoggerName())))
                .append(",\"message\":").append(quote(formatMessage(record)));
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length == 2 && parameters[1] instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> sb.append(',').append(quote(String.valueOf(k))).append(':')
                    .append(v instanceof Number n ? n.toString() : quote(String.valueOf(v))));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            sb.append(",\"stack\":").append(quote(trace.toString()));
        }
        return sb.append('}').append(System.lineSeparator()).toString();
    }

    /** A JSON string literal (RFC 8259 §7). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
