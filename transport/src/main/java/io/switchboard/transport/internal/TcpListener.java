package io.switchboard.transport.internal;

import io.switchboard.api.spi.AcceptFailures;
import io.switchboard.api.spi.Acceptors;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

/**
 * Accepts connections on one virtual thread and starts a virtual thread per connection.
 * Thread-safe; {@link #close()} stops the accept loop.
 */
final class TcpListener implements Listener {

    private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());

    private final ServerSocket server;
    private final ConnectionHandler handler;
    /** Names each connection's virtual thread after the listening port, for thread dumps. */
    private final ThreadFactory connectionThreads;
    private final SocketAddress localAddress;
    /** The accept loop's thread. */
    private final Thread acceptor;

    TcpListener(ServerSocket server, ConnectionHandler handler) {
        this.server = server;
        this.handler = handler;
        this.localAddress = server.getLocalSocketAddress();
        this.connectionThreads = Thread.ofVirtual()
                .name("switchboard-conn-" + server.getLocalPort() + "-", 0).factory();
        acceptor = Thread.ofVirtual().name("switchboard-accept-" + server.getLocalPort()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptFailures failures = new AcceptFailures(LOG, localAddress);
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
                failures.succeeded();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.failed(e);
                }
                continue;
            }
            SocketConnection connection;
            try {
                socket.setTcpNoDelay(true);
                connection = new SocketConnection(socket);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "dropping connection from {0}: {1}",
                        socket.getRemoteSocketAddress(), e.toString());
                closeQuietly(socket);
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

    private void serve(SocketConnection connection) {
        try {
            handler.handle(connection);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "connection handler failed for " + connection.remoteAddress(), e);
        } finally {
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
