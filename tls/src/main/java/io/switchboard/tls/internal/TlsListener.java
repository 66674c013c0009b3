package io.switchboard.tls.internal;

import io.switchboard.api.spi.AcceptFailures;
import io.switchboard.api.spi.Acceptors;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLSocket;

/**
 * Accepts TCP connections on one virtual thread and starts a virtual thread per connection,
 * which does the TLS handshake (bounded by the handshake timeout) and then runs the handler. The
 * accept loop does nothing but accept, so a slow or silent client delays no one else.
 * Thread-safe; {@link #close()} stops the accept loop.
 */
public final class TlsListener implements Listener {

    private static final System.Logger LOG = System.getLogger(TlsListener.class.getName());
    /** How long a failed handshake's connection is drained so the client reads the alert. */
    static final long LINGER_MILLIS = 2_000;

    private final ServerSocket server;
    private final ConnectionHandler handler;
    private final ServerContext context;
    /** Names each connection's virtual thread after the listening port, for thread dumps. */
    private final ThreadFactory connectionThreads;
    private final SocketAddress localAddress;
    /** The accept loop's thread. */
    private final Thread acceptor;

    public TlsListener(ServerSocket server, ConnectionHandler handler, ServerContext context) {
        this.server = server;
        this.handler = handler;
        this.context = context;
        this.localAddress = server.getLocalSocketAddress();
        this.connectionThreads = Thread.ofVirtual()
                .name("switchboard-tls-conn-" + server.getLocalPort() + "-", 0).factory();
        acceptor = Thread.ofVirtual().name("switchboard-tls-accept-" + server.getLocalPort()).start(this::acceptLoop);
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
            try {
                connectionThreads.newThread(() -> serve(socket)).start();
            } catch (RuntimeException | Error e) {
                // Out of memory, say: drop this one connection, back off, and keep accepting.
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // unusable either way
                }
                failures.failed(new IOException("could not start a connection thread", e));
            }
        }
    }

    /** On the connection's own thread: handshake, then the handler. */
    private void serve(Socket raw) {
        TlsConnection connection;
        try {
            raw.setTcpNoDelay(true);
            SSLSocket socket = context.layer(raw);
            Handshakes.complete(socket, raw, context.handshakeTimeout());
            connection = new TlsConnection(socket, raw);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "TLS handshake with {0} failed: {1}", raw.getRemoteSocketAddress(), e.toString());
            lingerAndClose(raw);
            return;
        }
        try {
            handler.handle(connection);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "connection handler failed for " + connection.remoteAddress(), e);
        } finally {
            connection.close();
        }
    }

    /**
     * After a failed handshake the JDK has sent its alert (e.g. certificate_required) but the
     * client may still be sending: closing now would reset the connection and the client would
     * see a broken pipe instead of the alert. So: FIN, then discard what comes until the client
     * closes, for at most {@link #LINGER_MILLIS}.
     */
    private static void lingerAndClose(Socket raw) {
        try {
            if (!raw.isClosed()) {
                raw.shutdownOutput();
                long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
                byte[] sink = new byte[512];
                InputStream in = raw.getInputStream();
                long left;
                while ((left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
                    raw.setSoTimeout((int) left);
                    if (in.read(sink) < 0) {
                        break;
                    }
                }
            }
        } catch (IOException ignored) {
            // Timed out or reset: the client has had its chance to read the alert.
        } finally {
            closeQuietly(raw);
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
        return "TlsListener[" + localAddress + "]";
    }
}
