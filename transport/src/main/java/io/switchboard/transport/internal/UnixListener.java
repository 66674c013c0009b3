package io.switchboard.transport.internal;

import io.switchboard.api.spi.AcceptFailures;
import io.switchboard.api.spi.Acceptors;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadFactory;

/**
 * Accepts Unix-domain connections on one virtual thread and serves each on a virtual thread
 * of its own. The socket file is created on bind (replacing a stale one, never a file of
 * another kind or a socket in use) and deleted on close unless it was replaced meanwhile.
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
    /** Identifies the socket file bind created, so that close() deletes only that one; null if unknown. */
    private final Object fileKey;

    UnixListener(UnixDomainSocketAddress address, ConnectionHandler handler) throws IOException {
        this.address = address;
        this.handler = handler;
        removeStaleSocket(address);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address, TcpTransport.BACKLOG);
            fileKey = fileKey(address.getPath());
        } catch (IOException e) {
            server.close();
            throw bindFailed(address.getPath(), e.getMessage(), e);
        }
        acceptor = Thread.ofVirtual().name("switchboard-accept-" + address.getPath().getFileName()).start(this::acceptLoop);
    }

    /**
     * Deletes a socket file at {@code address} that no process listens on any more. Anything
     * else there (a regular file, a directory, a socket in use) is left alone and refused.
     */
    private static void removeStaleSocket(UnixDomainSocketAddress address) throws IOException {
        Path path = address.getPath();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw bindFailed(path, "the path exists and is not a socket", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(address);
        } catch (ConnectException e) {
            Files.deleteIfExists(path); // left by a process that ended: nobody accepts on it
            return;
        } catch (IOException e) {
            throw bindFailed(path, e.getMessage(), e);
        }
        throw bindFailed(path, "another process is listening on it", null);
    }

    private static BindException bindFailed(Path path, String reason, Throwable cause) {
        BindException e = new BindException("cannot bind Unix-domain socket " + path + ": " + reason);
        e.initCause(cause);
        return e;
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
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
            } catch (RuntimeException | Error e) {
                // Out of memory, say: drop this one connection, back off, and keep accepting.
                closeQuietly(channel);
                failures.failed(new IOException("could not start a connection thread", e));
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
        if (fileKey != null && !fileKey.equals(fileKey(address.getPath()))) {
            return; // gone, or replaced by someone else's file since bind
        }
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
