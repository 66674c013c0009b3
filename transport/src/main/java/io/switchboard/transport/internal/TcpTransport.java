package io.switchboard.transport.internal;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import io.switchboard.api.spi.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;

/**
 * TCP and Unix-domain sockets. Accepted TCP connections are {@link SocketChannel}s in blocking
 * mode, whose blocking operations park virtual threads instead of pinning carriers (JEP 444),
 * and which can wait for input without a thread ({@link TcpConnection#whenReadable}); outbound
 * TCP connections are {@link java.net.Socket}s. Stateless and thread-safe.
 */
public final class TcpTransport implements Transport {

    /** Pending connections the kernel queues before {@code accept}; sized for bursts. */
    static final int BACKLOG = 1024;

    @Override
    public Listener listen(SocketAddress address, ConnectionHandler handler) throws IOException {
        if (address instanceof UnixDomainSocketAddress unix) {
            return new UnixListener(unix, handler);
        }
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("expected an InetSocketAddress or UnixDomainSocketAddress, got " + address);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, BACKLOG);
            return new TcpListener(server, handler);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public Connection connect(SocketAddress address, Duration timeout) throws IOException {
        if (address instanceof UnixDomainSocketAddress unix) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(unix); // local: completes or fails at once
                return new ChannelConnection(channel);
            } catch (IOException e) {
                channel.close();
                if (!(e instanceof ConnectException) && Files.notExists(unix.getPath())) {
                    // nobody listens there, as with a stale socket file (which is refused)
                    ConnectException refused = new ConnectException("no socket file at " + unix.getPath());
                    refused.initCause(e);
                    throw refused;
                }
                throw e;
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        Socket socket = new Socket();
        try {
            socket.connect(address, Math.toIntExact(Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
            socket.setTcpNoDelay(true); // frames are written whole; Nagle would only add delayed-ACK stalls
            return new SocketConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "TcpTransport";
    }
}
