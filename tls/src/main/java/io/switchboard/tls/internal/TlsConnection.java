package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Connection} over an {@link SSLSocket} whose handshake has completed, layered over its
 * TCP socket without auto-close, so that closing is in our hands: the JDK's own close of a
 * layered socket may wait for the peer's close_notify, and sending close_notify is a write that
 * blocks while the peer does not read. {@link #close()} therefore gives close_notify at most
 * {@link #CLOSE_NOTIFY_WAIT} and then closes the TCP socket, which unblocks any blocked read or
 * write. Thread-safe as the socket is: one thread may read while others write.
 */
public final class TlsConnection implements Connection {

    /** How long close_notify may take to write before TCP is shut or closed regardless. */
    static final Duration CLOSE_NOTIFY_WAIT = Duration.ofMillis(100);

    private final SSLSocket socket;
    /** The TCP socket under {@link #socket}; this connection closes it. */
    private final Socket tcp;
    private final InputStream input;
    private final OutputStream output;
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;

    TlsConnection(SSLSocket socket, Socket tcp) throws IOException {
        this.socket = socket;
        this.tcp = tcp;
        this.input = socket.getInputStream();
        this.output = socket.getOutputStream();
        this.remoteAddress = socket.getRemoteSocketAddress();
        this.localAddress = socket.getLocalSocketAddress();
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
    }

    /**
     * Sends TLS close_notify (given at most {@link #CLOSE_NOTIFY_WAIT}), then a TCP FIN; input
     * stays readable, so the peer's remaining bytes and its own close_notify can still be read
     * (RFC 8446 §6.1).
     */
    @Override
    public void shutdownOutput() throws IOException {
        closeNotify();
        if (!tcp.isOutputShutdown()) {
            tcp.shutdownOutput();
        }
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public void close() {
        closeNotify();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is released either way.
        }
    }

    /**
     * RFC 8446 §6.1: close_notify before the write side closes. Writing it blocks while the
     * peer reads nothing, so it runs on a virtual thread of its own and is waited for at most
     * {@link #CLOSE_NOTIFY_WAIT}; the caller's TCP shutdown or close then ends a stuck write.
     */
    private void closeNotify() {
        if (tcp.isClosed() || socket.isOutputShutdown()) {
            return;
        }
        Thread notify = Thread.ofVirtual().start(() -> {
            try {
                socket.shutdownOutput();
            } catch (IOException | RuntimeException ignored) {
                // The peer is gone or the socket closed meanwhile; TCP is shut next either way.
            }
        });
        try {
            notify.join(CLOSE_NOTIFY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TlsConnection[" + localAddress + " <- " + remoteAddress + "]";
    }
}
