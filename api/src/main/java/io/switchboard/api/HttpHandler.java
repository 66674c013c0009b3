package io.switchboard.api;

/**
 * Answers plain HTTP {@code GET} and {@code HEAD} requests on a path, beside the WebSocket
 * routes of the same server (a status page, a health check, a handler bundle's own web page).
 *
 * <p>The server calls {@link #handle} on the connection's own virtual thread, once per
 * request; blocking is fine. The request is read with the same strict parsing, size limit and
 * timeout as a WebSocket upgrade request and never has a body. For {@code HEAD} the server
 * sends the head of the returned response without its body. If {@code handle} throws or
 * returns null, the client gets 500 and the exception is logged. Connections are kept alive
 * between requests (HTTP/1.1) unless the client asks otherwise.
 *
 * <p>Inside an OSGi framework, register an implementation as a service with the
 * {@link #PATH_PROPERTY} property; in code, {@code server.get(path, handler)}.
 */
@FunctionalInterface
public interface HttpHandler {

    /** The service property naming the path an HTTP handler service serves, e.g. {@code /chat/}. */
    String PATH_PROPERTY = "switchboard.http.path";

    /**
     * Answers one request.
     *
     * @param request the request; {@link Request#method()} is {@code GET} or {@code HEAD}
     * @return the response, never null
     * @throws Exception anything; the client gets 500
     */
    Response handle(Request request) throws Exception;
}
