/**
 * The public types of Switchboard: what handlers and embedding programs are written against,
 * and the service provider interfaces that the transport and TLS modules implement.
 *
 * <p>Nothing here depends on another Switchboard module, so handler bundles that import only
 * {@code io.switchboard.api} survive updates of every core bundle.
 */
module io.switchboard.api {
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.switchboard.api;
    exports io.switchboard.api.spi;

    uses io.switchboard.api.WebSocketHandler;
}
