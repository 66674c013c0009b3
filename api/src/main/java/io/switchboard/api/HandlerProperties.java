package io.switchboard.api;

/**
 * The service properties a {@link WebSocketHandler} service carries to say where and how it is
 * served inside an OSGi framework: its path and that route's settings. A Declarative Services
 * handler declares them in its annotation, and a configuration file in the deploy folder may
 * set or override them like any other component property:
 * <pre>{@code
 * @Component(property = {
 *     HandlerProperties.PATH + "=/chat",
 *     HandlerProperties.SUBPROTOCOLS + "=chat.v2,chat.v1",
 *     HandlerProperties.ALLOWED_ORIGINS + "=https://example.com",
 *     HandlerProperties.MAX_MESSAGE_SIZE + ":Long=65536",
 *     HandlerProperties.COMPRESSION + ":Boolean=true"})
 * public class Chat implements WebSocketHandler { ... }
 * }</pre>
 *
 * <p>List-valued properties take a {@code String[]}, a collection, or one string with the
 * items separated by commas; numbers and booleans may also be given as strings (as in
 * {@code .cfg} files). A service whose path is missing or whose settings cannot be read is not
 * routed, and the reason is logged once. A property that is absent leaves the server's own
 * setting in force. Changing a property of a registered service (a new configuration) applies
 * to the handshakes that follow; sessions already open keep what they were opened with.
 */
public final class HandlerProperties {

    /** The path the handler serves, starting with {@code /}, e.g. {@code /chat}. Required. */
    public static final String PATH = WebSocketHandler.PATH_PROPERTY;

    /**
     * The sub-protocols the handler speaks, in order of preference; the first that the client
     * also offers is selected (RFC 6455 section 4.2.2). Absent: none is selected.
     */
    public static final String SUBPROTOCOLS = WebSocketHandler.SUBPROTOCOLS_PROPERTY;

    /**
     * The {@code Origin} values browsers may open the path from, exactly as browsers send them
     * (e.g. {@code https://example.com}); another origin gets HTTP 403. Requests without an
     * {@code Origin} header (not from a browser) pass. Absent or empty: any origin.
     */
    public static final String ALLOWED_ORIGINS = "switchboard.websocket.allowedOrigins";

    /**
     * The largest message in bytes that a session on this path accepts, overriding the
     * server's limit (a larger one is closed with 1009). A positive whole number.
     */
    public static final String MAX_MESSAGE_SIZE = "switchboard.websocket.maxMessageSize";

    /**
     * Whether permessage-deflate (RFC 7692) is negotiated on this path, {@code true} or
     * {@code false}, overriding the server's setting. Absent: the server's setting.
     */
    public static final String COMPRESSION = "switchboard.websocket.compression";

    private HandlerProperties() {
    }
}
