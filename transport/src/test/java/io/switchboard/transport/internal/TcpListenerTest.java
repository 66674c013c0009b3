package io.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP accept loop keeps going through failing accepts, and says so once, not per failure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpListenerTest {

    /** Accepts on {@code server}, the first {@code failing} times failing the way it does when out of descriptors. */
    private static TcpListener.Accept failing(ServerSocketChannel server, int failing) {
        AtomicInteger left = new AtomicInteger(failing);
        return () -> {
            if (left.getAndDecrement() > 0) {
                throw new IOException("Too many open files");
            }
            return server.accept();
        };
    }

    private static ServerSocketChannel bound(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return server;
    }

    @Test
    void failingAcceptsArePausedAndLoggedOnceThenConnectionsAreServedAgain() throws Exception {
        Logger jul = Logger.getLogger(TcpListener.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        SimpleFormatter formatter = new SimpleFormatter();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    lines.add(record.getLevel() + " " + formatter.formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(recorder);
        ServerSocketChannel server = bound(0);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        String where = String.valueOf(server.getLocalAddress());
        TcpListener listener = new TcpListener(server, failing(server, 5), connection -> {
            try {
                connection.output().write("hi".getBytes(StandardCharsets.US_ASCII));
                connection.output().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            assertEquals("hi", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        } finally {
            listener.close();
            jul.removeHandler(recorder);
        }
        assertEquals(List.of(
                "WARNING accept failed on " + where + ": java.io.IOException: Too many open files;"
                        + " retrying, pausing up to 1000 ms between tries",
                "INFO accepting again on " + where + " after 5 failed tries"), lines);
    }

    @Test
    void closeReturnsOnlyOnceThePortIsFreeAgain() throws Exception {
        // The accept loop's virtual thread releases the socket on its way out of accept(); a
        // close() that did not wait for it left the port bound for a moment now and then.
        for (int i = 0; i < 200; i++) {
            ServerSocketChannel server = bound(0);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            TcpListener listener = new TcpListener(server, connection -> { });
            listener.close();
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                throw new AssertionError("round " + i + ": port " + port + " still bound after close()", e);
            }
        }
    }

    @Test
    void aDetachedConnectionOutlivesItsHandlerAndIsClosedByWhoeverServesItLast() throws Exception {
        ServerSocketChannel server = bound(0);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        java.util.concurrent.CompletableFuture<Thread> later = new java.util.concurrent.CompletableFuture<>();
        TcpListener listener = new TcpListener(server, connection -> {
            if (!connection.detach()) {
                throw new AssertionError("a TCP connection can be detached");
            }
            // The handler returns at once; another thread goes on with the connection.
            later.complete(Thread.ofVirtual().start(() -> {
                try {
                    byte[] in = connection.input().readNBytes(4);
                    connection.output().write(("re:" + new String(in, StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    connection.close();
                }
            }));
        });
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            Thread servesLast = later.get(10, TimeUnit.SECONDS); // the handler returned; the connection is open
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("re:ping", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            servesLast.join(java.time.Duration.ofSeconds(10));
        } finally {
            listener.close();
        }
    }
}
