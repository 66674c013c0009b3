/**
 * The launcher's operations bundle: {@code /health} and {@code /ready}, Prometheus metrics at
 * {@code /metrics} and the same numbers as JMX beans, and the live status page. It serves through
 * the WebSocket bundle's HTTP and WebSocket whiteboards and exports nothing.
 */
module io.switchboard.admin {
    requires io.switchboard.websocket;
    requires java.management;
    requires static osgi.core;
}
