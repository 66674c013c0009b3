package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.api.Request;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable {@link Request}.
 *
 * @param path the percent-decoded path
 * @param rawQuery the query without {@code ?}, or null
 */
public record UpgradeRequest(String method, String path, String rawQueryOrNull, Headers headers,
        SocketAddress remoteAddress, SocketAddress localAddress, Map<String, List<String>> queryParameters)
        implements Request {

    /** Creates a request, parsing the query parameters once. */
    public static UpgradeRequest of(String method, String path, String rawQuery, Headers headers,
            SocketAddress remoteAddress, SocketAddress localAddress) {
        return new UpgradeRequest(method, path, rawQuery, headers, remoteAddress, localAddress,
                parseQuery(rawQuery));
    }

    @Override
    public Optional<String> rawQuery() {
        return Optional.ofNullable(rawQueryOrNull);
    }

    /** Splits {@code a=1&b=x%20y&a=2} into decoded names and values, keeping order. */
    static Map<String, List<String>> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        result.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(result);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape stays as written rather than failing the request
        }
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQueryOrNull == null ? "" : "?" + rawQueryOrNull);
    }
}
