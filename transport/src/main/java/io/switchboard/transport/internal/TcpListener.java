package io.switchboard.transport.internal;

import io.switchboard.api.spi.AcceptFailures;
import io.switchboard.api.spi.Acceptors;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Accepts connections on one virtual thread and starts a virtual thread per connection. A
 * connection is closed when its handler returns, unless the handler handed it to the {@link
 * ReadinessPoller} ({@link TcpConnection#whenReadable}): its resumed owner closes it then.
 * Thread-safe; {@link #close()} stops the accept loop.
 */
final class TcpListener implements Listener {

    private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());

    /** Accepts one connection; the seam the tests use to make accepts fail. */
    interface Accept {
        SocketChannel accept() throws IOException;
    }

    private final ServerSocketChannel server;
    private final Accept accept;
    private final ConnectionHandler handler;
    /** Names each connection's virtual thread after the listening port, for thread dumps. */
    private final ThreadFactory connectionThreads;
    private final SocketAddress localAddress;
    /** The accept loop's thread. */
    private final Thread acceptor;

    TcpListener(ServerSocketChannel server, ConnectionHandler handler) throws IOException {
        this(server, server::accept, handler);
    }

    TcpListener(ServerSocketChannel server, Accept accept, ConnectionHandler handler) throws IOException {
        this.server = server;
        this.accept = accept;
        this.handler = handler;
        this.localAddress = server.getLocalAddress();
        int port = ((java.net.InetSocketAddress) localAddress).getPort();
        this.connectionThreads = Thread.ofVirtual().name("switchboard-conn-" + port + "-", 0).factory();
        acceptor = Thread.ofVirtual().name("switchboard-accept-" + port).start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptFailures failures = new AcceptFailures(LOG, localAddress);
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = accept.accept();
                failures.succeeded();
            } catch (IOException e) {
                if (server.isOpen()) {
                    failures.failed(e);
                }
                continue;
            }
            TcpConnection connection;
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connection = new TcpConnection(channel, connectionThreads);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "dropping connection: {0}", e.toString());
                closeQuietly(channel);
                continue;
            }
            try {
                connectionThreads.newThread(() -> serve(connection)).start();
            } catch (RuntimeException | Error e) {
                // Out of memory, say: drop this one connection, back off, and keep accepting.
                connection.close();
                failures.failed(new IOException("could not start a connection thread", e));
            }
        }
    }

    private void serve(TcpConnection connection) {
        try {
            handler.handle(connection);
            if (!connection.handedOver()) {
                connection.close();
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "connection handler failed for " + connection.remoteAddress(), e);
            connection.close();
        }
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void close() {
        Acceptors.stop(acceptor, server);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is best effort: the socket is unusable either way.
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + "]";
    }
}
