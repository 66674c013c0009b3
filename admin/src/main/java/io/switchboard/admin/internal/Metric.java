package io.switchboard.admin.internal;

import java.util.List;
import java.util.Map;

/**
 * One metric family in the Prometheus text exposition format (version 0.0.4): a name, its
 * type, a help line, and samples. Also the source of the JMX attributes. Immutable.
 *
 * @param type {@code counter}, {@code gauge} or {@code summary}
 */
public record Metric(String name, String type, String help, List<Sample> samples) {

    /** One value, with its labels in order and an optional suffix such as {@code _sum}. */
    public record Sample(String suffix, Map<String, String> labels, double value) {
    }

    static Metric of(String name, String type, String help, double value) {
        return new Metric(name, type, help, List.of(new Sample("", Map.of(), value)));
    }

    /** Appends the family in the text format: HELP and TYPE lines, then one line per sample. */
    void appendTo(StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Sample sample : samples) {
            out.append(name).append(sample.suffix());
            if (!sample.labels().isEmpty()) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(format(sample.value())).append('\n');
        }
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }

    /** The text of several families. */
    public static String text(List<Metric> metrics) {
        StringBuilder out = new StringBuilder(4096);
        metrics.forEach(m -> m.appendTo(out));
        return out.toString();
    }
}
