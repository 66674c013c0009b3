package io.switchboard.admin.internal;

/**
 * A handler service as the status page lists it.
 *
 * @param kind {@code websocket} or {@code http}
 * @param state the bundle's state: ACTIVE, STARTING, STOPPING, RESOLVED…
 */
public record HandlerInfo(String kind, String path, String bundle, String version, String state) {
}
