package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.ConnectionHandler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The server side of TLS as a layer: given to a plain transport's listener, it runs on the
 * virtual thread the listener starts for each accepted connection, never on the accept loop.
 * There it does the TLS handshake, bounded by the handshake timeout, and hands the secure
 * connection to the real handler. A failed handshake's connection is drained a little before it
 * is closed, so the client reads the alert. Stateless per connection; thread-safe.
 */
public final class SecuringHandler implements ConnectionHandler {

    private static final System.Logger LOG = System.getLogger(SecuringHandler.class.getName());
    /** How long a failed handshake's connection is drained so the client reads the alert. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final ConnectionHandler handler;
    private final ServerContext context;

    public SecuringHandler(ConnectionHandler handler, ServerContext context) {
        this.handler = handler;
        this.context = context;
    }

    @Override
    public void handle(Connection plain) {
        SecureConnection connection;
        try {
            connection = new SecureConnection(plain, context.engine());
            Handshakes.complete(connection, context.handshakeTimeout());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "TLS handshake with {0} failed: {1}", plain.remoteAddress(), e.toString());
            lingerAndClose(plain);
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
     * After a failed handshake the engine has sent its alert (e.g. certificate_required) but the
     * client may still be sending: closing now would reset the connection and the client would
     * see a broken pipe instead of the alert. So: shut our output, then discard what comes until
     * the client closes, for at most {@link #LINGER}.
     */
    private static void lingerAndClose(Connection plain) {
        try {
            Handshakes.within(plain, LINGER, () -> {
                plain.shutdownOutput();
                InputStream in = plain.input();
                byte[] sink = new byte[512];
                while (in.read(sink) >= 0) {
                    // discard
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // Timed out, reset or already closed: the client has had its chance to read the alert.
        } finally {
            plain.close();
        }
    }
}
