package io.switchboard.api.spi;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A bound, accepting listener returned by {@link Transport#listen}. Thread-safe. */
public interface Listener extends AutoCloseable {

    /** The address actually bound (with the real port when port 0 was asked for). */
    SocketAddress localAddress();

    /** The bound TCP port, or -1 when the address is not an internet socket address. */
    default int port() {
        return localAddress() instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /** Stops accepting and releases the address. Connections already accepted live on. */
    @Override
    void close();
}
