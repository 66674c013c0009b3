package io.switchboard.api;

/**
 * Serves a WebSocket connection through callbacks, one per message, holding no thread while
 * the connection is idle: the handler style for many mostly quiet connections.
 *
 * <pre>{@code
 * server.webSocket("/ws", (MessageHandler) (ws, msg) -> ws.send(msg)); // an echo
 * }</pre>
 *
 * <h2>Threads</h2>
 * Every callback of one connection runs on a virtual thread, one callback at a time and in
 * order: {@link #onOpen} first, then {@link #onMessage} for each message as it arrives, then
 * {@link #onClose} once. Callbacks of one connection are never concurrent, but they need not
 * run on the same thread: when nothing has arrived for a while (the server's {@code
 * idleThreshold}, about a second by default) between two messages, the connection's thread
 * ends and the connection waits, with every other idle one, in a readiness poller; when the
 * next bytes arrive a new virtual thread goes on. Memory written by one callback is visible to
 * the next. Keep no per-connection state in thread locals.
 *
 * <p>A callback may block (send, call a database, sleep): it only delays the next callbacks of
 * its own connection, as a blocking {@link WebSocket#read()} loop would. Pings are answered
 * and the close handshake is run by the server while no callback runs. {@link WebSocket#send}
 * and {@link WebSocket#close} may be called from any thread at any time, also while the
 * connection is idle. Do not call {@link WebSocket#read()} or {@link WebSocket#readStream()}
 * on a connection served by callbacks: the server reads it.
 *
 * <h2>Errors</h2>
 * A callback that throws is logged, and the connection is closed with 1011 (internal error),
 * as when a blocking {@link WebSocketHandler#handle} throws; {@link #onClose} still runs.
 *
 * <h2>Where it runs without the poller</h2>
 * Transports that cannot wait for readiness (TLS, Unix-domain sockets, the client side) and
 * callers that only know {@link WebSocketHandler} run the callbacks through {@link #handle},
 * a plain blocking read loop on the connection's thread, with the same order and guarantees.
 * Register it as a {@link WebSocketHandler} service (OSGi) or {@code provides
 * io.switchboard.api.WebSocketHandler} (module path) as any handler.
 */
@FunctionalInterface
public interface MessageHandler extends WebSocketHandler {

    /**
     * Called once, before any message, when the connection is open. The default does nothing.
     *
     * @param webSocket the connection; {@link WebSocket#request()} is the upgrade request
     * @throws Exception anything; the connection is closed with 1011
     */
    default void onOpen(WebSocket webSocket) throws Exception {
    }

    /**
     * Called for every message, in the order they arrive, never while another callback of the
     * same connection runs. May block.
     *
     * @throws Exception anything; the connection is closed with 1011
     */
    void onMessage(WebSocket webSocket, Message message) throws Exception;

    /**
     * Called once when the connection has ended, whichever side ended it or however it failed
     * (also after a callback threw). The connection is closed by then: sends return {@code
     * false}. The default does nothing. What it throws is logged.
     *
     * @param status the peer's close status if its close frame arrived, else the one the
     *     connection was closed with ({@link CloseStatus#ABNORMAL_CLOSURE} when it just broke)
     * @param reason the reason that came with {@code status}; empty if none
     */
    default void onClose(WebSocket webSocket, CloseStatus status, String reason) throws Exception {
    }

    /**
     * Runs the callbacks as a blocking loop on the calling thread: {@link #onOpen}, then {@link
     * #onMessage} for each message {@link WebSocket#read()} returns, then {@link #onClose}.
     * The server calls it where it cannot wait for readiness; it need not be overridden.
     *
     * @throws Exception what a callback threw, after the connection was closed with 1011
     */
    @Override
    default void handle(Request request, WebSocket webSocket) throws Exception {
        try {
            onOpen(webSocket);
            Message message;
            while ((message = webSocket.read()) != null) {
                onMessage(webSocket, message);
            }
        } catch (Exception | Error e) {
            if (webSocket.isOpen()) {
                webSocket.close(CloseStatus.INTERNAL_ERROR, "internal error");
            }
            throw e;
        } finally {
            onClose(webSocket, webSocket.closeStatus().orElse(CloseStatus.ABNORMAL_CLOSURE),
                    webSocket.closeReason().orElse(""));
        }
    }
}
