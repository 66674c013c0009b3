/**
 * The RFC 6455 engine of Switchboard: the server ({@link io.switchboard.websocket.WebSocketServer})
 * and the client ({@link io.switchboard.websocket.WebSocketClient}). Transports are found through
 * {@code ServiceLoader}; implementation packages are not exported.
 */
module io.switchboard.websocket {
    requires transitive io.switchboard.api;
    requires java.management;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.switchboard.websocket;

    uses io.switchboard.api.spi.Transport;

    provides io.switchboard.api.Topics with io.switchboard.websocket.internal.TopicHub;
}
