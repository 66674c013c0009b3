package io.switchboard.api;

/**
 * Serves one WebSocket connection for its whole life, like a route handler in an HTTP server.
 *
 * <p>The server calls {@link #handle} on the connection's own virtual thread once the upgrade
 * succeeded. Blocking is expected and cheap: the canonical handler is the echo loop
 * <pre>{@code
 * (request, ws) -> { Message msg; while ((msg = ws.read()) != null) ws.send(msg); }
 * }</pre>
 * When {@code handle} returns, the server closes the connection with 1000 (normal closure) if
 * it is still open. If it throws, the connection is closed with 1011 (internal error) and the
 * exception is logged; other connections are not affected.
 *
 * <p>Inside an OSGi framework, register an implementation as a service with the
 * {@link #PATH_PROPERTY} property; on the module path, provide it through
 * {@code ServiceLoader} and annotate it with the path (see {@link #path()}).
 */
@FunctionalInterface
public interface WebSocketHandler {

    /** The service property naming the path a handler service serves, e.g. {@code /chat}. */
    String PATH_PROPERTY = "switchboard.websocket.path";

    /**
     * The optional service property listing the sub-protocols a handler service supports, in
     * order of preference ({@code String} or {@code String[]}).
     */
    String SUBPROTOCOLS_PROPERTY = "switchboard.websocket.subprotocols";

    /**
     * Serves the connection until it ends.
     *
     * @param request the upgrade request
     * @param webSocket the open connection
     * @throws Exception anything; it closes the connection with 1011
     */
    void handle(Request request, WebSocket webSocket) throws Exception;

    /**
     * The path this handler serves when it is found through {@code ServiceLoader} rather than
     * registered explicitly. The default has no path; such handlers must be registered with
     * one.
     */
    default String path() {
        return "";
    }
}
