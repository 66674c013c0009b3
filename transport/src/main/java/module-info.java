/**
 * TCP transport for Switchboard: listeners that accept each connection on a virtual thread of
 * its own, and connectors. Provides {@link io.switchboard.api.spi.Transport}; exports nothing.
 */
module io.switchboard.transport {
    requires io.switchboard.api;
    requires static osgi.core;

    provides io.switchboard.api.spi.Transport with io.switchboard.transport.internal.TcpTransport;
}
