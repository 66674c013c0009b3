package io.switchboard.transport.internal;

import io.switchboard.api.spi.AcceptFailures;
import io.switchboard.api.spi.Acceptors;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.concurrent.ThreadFactory;

/**
 * Accepts Unix-domain connections on one virtual thread and serves each on a virtual thread
 * of its own. The socket file is created on bind (replacing a stale one) and deleted on close.
 * Thread-safe.
 */
final class UnixListener implements Listener {

    private static final System.Logger LOG = System.getLogger(UnixListener.class.getName());

    private final ServerSocketChannel server;
    private final UnixDomainSocketAddress address;
    private final ConnectionHandler handler;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("switchboard-unix-", 0).factory();
    /** The accept loop's thread. */
    private final Thread acceptor;

    UnixListener(UnixDomainSocketAddress address, ConnectionHandler handler) throws IOException {
        this.address = address;
        this.handler = handler;
        Files.deleteIfExists(address.getPath()); // a socket file left by a process that ended
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address, TcpTransport.BACKLOG);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        acceptor = Thread.ofVirtual().name("switchboard-accept-" + address.getPath().getFileName()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptFailures failures = new AcceptFailures(LOG, address);
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
                failures.succeeded();
            } catch (IOException e) {
                if (server.isOpen()) {
                    failures.failed(e);
                }
                continue;
            }
            try {
                ChannelConnection connection = new ChannelConnection(channel);
                connectionThreads.newThread(() -> {
                    try {
                        handler.handle(connection);
                    } catch (RuntimeException | Error e) {
                        LOG.log(Level.ERROR, "connection handler failed on " + address, e);
                    } finally {
                        connection.close();
                    }
                }).start();
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    @Override
    public SocketAddress localAddress() {
        return address;
    }

    @Override
    public void close() {
        Acceptors.stop(acceptor, server);
        try {
            Files.deleteIfExists(address.getPath());
        } catch (IOException ignored) {
            // the file goes with the directory or stays harmlessly
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // unusable either way
        }
    }
}
