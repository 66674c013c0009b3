package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.api.HttpHandler;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain HTTP routes of a server: a path such as {@code /health} serves that path only; a
 * path ending in {@code /*} such as {@code /chat/*} serves everything below {@code /chat/}
 * (the longest such prefix wins; an exact path wins over any prefix). Thread-safe; lookups do
 * not lock.
 */
public final class HttpRoutes {

    private final Map<String, HttpHandler> exact = new ConcurrentHashMap<>();
    /** Prefix routes, keyed by the prefix with its trailing slash ({@code /chat/}). */
    private final Map<String, HttpHandler> prefixes = new ConcurrentHashMap<>();

    /** Routes {@code path} (exact, or {@code /prefix/*}) to {@code handler}, replacing any there. */
    public void put(String path, HttpHandler handler) {
        if (path.endsWith("/*")) {
            prefixes.put(path.substring(0, path.length() - 1), handler);
        } else {
            exact.put(path, handler);
        }
    }

    /** Removes the route for {@code path} as it was put; returns whether there was one. */
    public boolean remove(String path) {
        return (path.endsWith("/*") ? prefixes.remove(path.substring(0, path.length() - 1)) : exact.remove(path)) != null;
    }

    /** The handler for a request to {@code path}, or null. */
    public HttpHandler find(String path) {
        HttpHandler handler = exact.get(path);
        if (handler != null || prefixes.isEmpty()) {
            return handler;
        }
        String best = null;
        for (String prefix : prefixes.keySet()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? null : prefixes.get(best);
    }

    /**
     * Whether a request with {@code headers} for {@code path} is a plain HTTP request this table
     * answers: it has a route and is not a WebSocket upgrade (which goes to the WebSocket routes,
     * so one path may serve both).
     */
    public boolean serves(String path, Headers headers) {
        return find(path) != null && !headers.containsToken("Upgrade", "websocket");
    }

    /** The routed paths, as they were put, sorted. */
    public Set<String> paths() {
        Set<String> all = new TreeSet<>(exact.keySet());
        prefixes.keySet().forEach(p -> all.add(p + "*"));
        return all;
    }
}
