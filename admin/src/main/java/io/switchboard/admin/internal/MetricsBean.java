package io.switchboard.admin.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;

/**
 * The metrics as one JMX bean ({@code io.switchboard:type=Metrics}): every sample of
 * {@code /metrics} is a read-only {@code double} attribute named as its Prometheus line is
 * ({@code switchboard_sessions_open{path="/ws"}}), so jconsole and VisualVM show the same
 * numbers. Read when asked; thread-safe.
 */
public final class MetricsBean implements DynamicMBean {

    private final Supplier<List<Metric>> metrics;

    public MetricsBean(Supplier<List<Metric>> metrics) {
        this.metrics = metrics;
    }

    private Map<String, Double> values() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Metric metric : metrics.get()) {
            for (Metric.Sample sample : metric.samples()) {
                StringBuilder name = new StringBuilder(metric.name()).append(sample.suffix());
                if (!sample.labels().isEmpty()) {
                    name.append('{');
                    sample.labels().forEach((k, v) -> name.append(k).append("=\"").append(Metric.escape(v)).append("\","));
                    name.setLength(name.length() - 1);
                    name.append('}');
                }
                values.put(name.toString(), sample.value());
            }
        }
        return values;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Double value = values().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return value;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Double> values = values();
        AttributeList list = new AttributeList();
        for (String name : attributes) {
            Double value = values.get(name);
            if (value != null) {
                list.add(new Attribute(name, value));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, String> help = new LinkedHashMap<>();
        for (Metric metric : metrics.get()) {
            help.put(metric.name(), metric.type() + ": " + metric.help());
        }
        MBeanAttributeInfo[] attributes = values().keySet().stream().map(name -> new MBeanAttributeInfo(name,
                "double", help.getOrDefault(name.replaceFirst("(_sum|_count)?\\{.*$|(_sum|_count)$", ""), name),
                true, false, false)).toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(MetricsBean.class.getName(), "Switchboard metrics, as at /metrics", attributes, null,
                new MBeanOperationInfo[0], null);
    }
}
