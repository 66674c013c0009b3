package io.switchboard.websocket.osgi;

import io.switchboard.api.HandlerProperties;
import io.switchboard.api.SubProtocolSelector;
import io.switchboard.websocket.RouteOptions;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the {@link HandlerProperties} route settings of a handler service into {@link
 * RouteOptions}. Values come typed (from a component annotation or a {@code .config} file) or
 * as strings (from a {@code .cfg} file); both are accepted. Stateless.
 */
final class RouteProperties {

    private RouteProperties() {
    }

    /**
     * The route options that {@code properties} (a service's property lookup) declare.
     *
     * @throws IllegalArgumentException naming the property and the value that cannot be used
     */
    static RouteOptions read(Function<String, Object> properties) {
        RouteOptions options = RouteOptions.defaults();
        List<String> protocols = strings(properties.apply(HandlerProperties.SUBPROTOCOLS));
        if (!protocols.isEmpty()) {
            options = options.subProtocols(SubProtocolSelector.preferring(protocols));
        }
        List<String> origins = strings(properties.apply(HandlerProperties.ALLOWED_ORIGINS));
        if (!origins.isEmpty()) {
            options = options.allowedOrigins(new LinkedHashSet<>(origins));
        }
        Object size = properties.apply(HandlerProperties.MAX_MESSAGE_SIZE);
        if (size != null) {
            options = options.maxMessageSize(size(size));
        }
        Object compression = properties.apply(HandlerProperties.COMPRESSION);
        if (compression != null) {
            options = options.compression(bool(HandlerProperties.COMPRESSION, compression));
        }
        return options;
    }

    /** A list property: String[], a collection, or one comma-separated string; blanks dropped. */
    static List<String> strings(Object value) {
        List<String> items = switch (value) {
            case null -> List.of();
            case String s -> Arrays.asList(s.split(","));
            case String[] a -> Arrays.asList(a);
            case Collection<?> c -> c.stream().map(String::valueOf).toList();
            default -> List.of(String.valueOf(value));
        };
        return items.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static long size(Object value) {
        long bytes;
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            bytes = ((Number) value).longValue();
        } else if (value instanceof String s && s.strip().matches("\\d{1,18}")) {
            bytes = Long.parseLong(s.strip());
        } else {
            throw invalid(HandlerProperties.MAX_MESSAGE_SIZE, value, "a whole number of bytes");
        }
        try {
            return RouteOptions.defaults().maxMessageSize(bytes).maxMessageSize().orElseThrow();
        } catch (IllegalArgumentException e) {
            throw invalid(HandlerProperties.MAX_MESSAGE_SIZE, value, "1.." + (Integer.MAX_VALUE - 8) + " bytes");
        }
    }

    private static boolean bool(String name, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        throw invalid(name, value, "true or false");
    }

    private static IllegalArgumentException invalid(String name, Object value, String expected) {
        return new IllegalArgumentException("property " + name + " must be " + expected + ", got "
                + (value instanceof String ? "\"" + value + "\"" : value + " (" + value.getClass().getSimpleName() + ")"));
    }
}
