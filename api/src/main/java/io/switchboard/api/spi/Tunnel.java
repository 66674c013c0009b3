package io.switchboard.api.spi;

import java.io.IOException;

/**
 * Opens a way through a proxy: given a fresh connection to the proxy, asks it for a tunnel to
 * the target (an HTTP {@code CONNECT}, say) and returns once every byte written to the
 * connection reaches the target and every byte read comes from it. The WebSocket client provides
 * one; a {@link Transport} runs it between its connect and its own protocol (see {@link
 * Transport#connect(java.net.SocketAddress, java.net.InetSocketAddress, Tunnel,
 * java.time.Duration)}).
 */
@FunctionalInterface
public interface Tunnel {

    /**
     * Asks the proxy at the other end of {@code connection} for the tunnel, on the calling thread,
     * reading nothing beyond the proxy's answer. Bounds its own wait: it closes the connection
     * when the proxy does not answer in time.
     *
     * @throws IOException if the tunnel could not be opened; the transport then closes the
     *     connection. Unchecked exceptions (describing a refusal) pass through the transport.
     */
    void open(Connection connection) throws IOException;
}
