package io.switchboard.transport.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;

/** A {@link Connection} over a connected {@link Socket}. Thread-safe as the socket is. */
final class SocketConnection implements Connection {

    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;

    SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
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

    @Override
    public void shutdownOutput() throws IOException {
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is released either way.
        }
    }

    @Override
    public String toString() {
        return "SocketConnection[" + localAddress + " <- " + remoteAddress + "]";
    }
}
