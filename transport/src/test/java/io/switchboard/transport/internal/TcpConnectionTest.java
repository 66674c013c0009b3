package io.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.GatheringOutput;
import io.switchboard.api.spi.ConnectionHandler;
import io.switchboard.api.spi.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Accepted TCP connections wait for input without a thread and come back to blocking reads intact. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpConnectionTest {

    private Listener listener;

    @AfterEach
    void close() {
        if (listener != null) {
            listener.close();
        }
    }

    private Socket serve(ConnectionHandler handler) throws IOException {
        listener = new TcpTransport().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler);
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        client.setSoTimeout(20_000);
        return client;
    }

    /** What a resumed owner saw: its thread and what it read. */
    private record Resumed(Thread thread, Connection connection) {
    }

    @Test
    void aTimedOutReadLeavesTheConnectionUsable() throws Exception {
        BlockingQueue<Object> seen = new ArrayBlockingQueue<>(4);
        try (Socket client = serve(connection -> {
            try {
                connection.readTimeout(Duration.ofMillis(20));
                try {
                    connection.input().read(new byte[1]);
                } catch (SocketTimeoutException expected) {
                    seen.add("timed out");
                }
                connection.readTimeout(Duration.ZERO);
                byte[] b = new byte[5];
                int n = connection.input().readNBytes(b, 0, 5);
                seen.add(new String(b, 0, n, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                seen.add(e);
            }
        })) {
            assertEquals("timed out", seen.poll(20, TimeUnit.SECONDS));
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", seen.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void inputResumesTheOwnerOnANewThreadInBlockingMode() throws Exception {
        BlockingQueue<Resumed> resumed = new ArrayBlockingQueue<>(2);
        CompletableFuture<Thread> first = new CompletableFuture<>();
        try (Socket client = serve(connection -> {
            first.complete(Thread.currentThread());
            assertTrue(connection.canAwaitReadable());
            assertTrue(connection.whenReadable(() -> resumed.add(new Resumed(Thread.currentThread(), connection))));
        })) {
            Thread handlerThread = first.get(20, TimeUnit.SECONDS);
            handlerThread.join(Duration.ofSeconds(20)); // the handler returned; the connection stays open
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            Resumed r = resumed.poll(20, TimeUnit.SECONDS);
            assertNotSame(handlerThread, r.thread());
            assertTrue(r.thread().isVirtual());
            assertTrue(r.thread().getName().startsWith("switchboard-conn-"), r.thread().getName());
            byte[] b = r.connection().input().readNBytes(4); // blocking again
            assertEquals("ping", new String(b, StandardCharsets.US_ASCII));
            r.connection().output().write("pong".getBytes(StandardCharsets.US_ASCII));
            assertEquals("pong", new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            r.connection().close();
            assertEquals(-1, client.getInputStream().read());
        }
    }

    @Test
    void readsAndTheReadTimeoutWorkTheSameBeforeAndAfterAHandOver() throws Exception {
        BlockingQueue<Object> seen = new ArrayBlockingQueue<>(8);
        try (Socket client = serve(connection -> {
            try {
                seen.add(new String(connection.input().readNBytes(2), StandardCharsets.US_ASCII));
                connection.whenReadable(() -> {
                    try {
                        InputStream in = connection.input(); // the same stream as before the hand-over
                        seen.add(new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                        connection.readTimeout(Duration.ofMillis(20));
                        try {
                            in.read();
                        } catch (SocketTimeoutException expected) {
                            seen.add("timed out");
                        }
                        connection.readTimeout(Duration.ZERO);
                        seen.add(in.read());
                    } catch (IOException e) {
                        seen.add(e);
                    } finally {
                        connection.close();
                    }
                });
            } catch (IOException e) {
                seen.add(e);
            }
        })) {
            OutputStream out = client.getOutputStream();
            out.write("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hi", seen.poll(20, TimeUnit.SECONDS));
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", seen.poll(20, TimeUnit.SECONDS));
            assertEquals("timed out", seen.poll(20, TimeUnit.SECONDS));
            out.write('x');
            assertEquals((int) 'x', seen.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void theEndOfTheStreamResumesTheOwner() throws Exception {
        BlockingQueue<Integer> reads = new ArrayBlockingQueue<>(2);
        Socket client = serve(connection -> connection.whenReadable(() -> {
            try {
                reads.add(connection.input().read(new byte[8]));
            } catch (IOException e) {
                reads.add(-2);
            } finally {
                connection.close();
            }
        }));
        client.getOutputStream().flush();
        client.close();
        assertEquals(-1, reads.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void closingAnIdleConnectionResumesTheOwnerAndReleasesTheSocket() throws Exception {
        BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(1);
        BlockingQueue<Object> reads = new ArrayBlockingQueue<>(2);
        try (Socket client = serve(connection -> {
            connection.whenReadable(() -> {
                try {
                    reads.add(connection.input().read(new byte[8]));
                } catch (IOException e) {
                    reads.add(e);
                }
            });
            idle.add(connection);
        })) {
            Connection connection = idle.poll(20, TimeUnit.SECONDS);
            connection.close(); // as a timer's deadline would, with nobody reading
            Object read = reads.poll(20, TimeUnit.SECONDS);
            assertTrue(read instanceof IOException || Integer.valueOf(-1).equals(read), String.valueOf(read));
            assertEquals(-1, client.getInputStream().read()); // the descriptor was really closed
        }
    }

    @Test
    void writesWhileIdleWaitForThePeerAndArriveWhole() throws Exception {
        BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(1);
        BlockingQueue<String> resumed = new ArrayBlockingQueue<>(1);
        try (Socket client = serve(connection -> {
            connection.whenReadable(() -> {
                try {
                    resumed.add(new String(connection.input().readNBytes(2), StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    resumed.add(e.toString());
                }
            });
            idle.add(connection);
        })) {
            Connection connection = idle.poll(20, TimeUnit.SECONDS);
            byte[] big = new byte[16 * 1024 * 1024]; // far more than the socket buffers hold
            new Random(7).nextBytes(big);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = connection.output();
                    out.write(big, 0, big.length / 2);
                    out.write(big, big.length / 2, big.length - big.length / 2);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            InputStream in = client.getInputStream();
            byte[] got = in.readNBytes(big.length); // the peer reads slowly: the writes become partial
            written.get(20, TimeUnit.SECONDS);
            assertArrayEquals(big, got);
            client.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII)); // still idle until now
            assertEquals("ok", resumed.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aGatheringWriteWhileIdleWaitsForThePeerAndArrivesWholeInOrder() throws Exception {
        BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(1);
        try (Socket client = serve(connection -> {
            connection.whenReadable(() -> { });
            idle.add(connection);
        })) {
            Connection connection = idle.poll(20, TimeUnit.SECONDS);
            byte[] head = "header:".getBytes(StandardCharsets.US_ASCII);
            byte[] big = new byte[16 * 1024 * 1024]; // far more than the socket buffers hold
            new Random(11).nextBytes(big);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    ((GatheringOutput) connection.output()).write(head, 2, 5, big, 3, big.length - 3);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            InputStream in = client.getInputStream();
            assertEquals("ader:", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
            byte[] got = in.readNBytes(big.length - 3); // the peer reads slowly: the writes become partial
            written.get(20, TimeUnit.SECONDS);
            assertArrayEquals(Arrays.copyOfRange(big, 3, big.length), got);
        }
    }

    @Test
    void aGatheringWriteOverAUnixSocketArrivesWholeInOrder() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sb");
        java.net.UnixDomainSocketAddress address = java.net.UnixDomainSocketAddress.of(dir.resolve("s"));
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        Listener unix = new TcpTransport().listen(address, connection -> {
            try {
                received.complete(connection.input().readNBytes(4 + 1024 * 1024));
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        });
        try (Connection c = new TcpTransport().connect(address, Duration.ofSeconds(5))) {
            byte[] big = new byte[1024 * 1024];
            new Random(13).nextBytes(big);
            ((GatheringOutput) c.output()).write(new byte[] {1, 2, 3, 4}, 0, 4, big, 0, big.length);
            byte[] got = received.get(20, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOf(got, 4));
            assertArrayEquals(big, Arrays.copyOfRange(got, 4, got.length));
        } finally {
            unix.close();
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void aConnectionNotHandedOverIsClosedWhenItsHandlerReturns() throws Exception {
        try (Socket client = serve(connection -> { })) {
            assertEquals(-1, client.getInputStream().read());
        }
    }

    @Test
    void unixConnectionsCannotAwaitReadable() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sb");
        java.net.UnixDomainSocketAddress address = java.net.UnixDomainSocketAddress.of(dir.resolve("s"));
        BlockingQueue<Boolean> answers = new ArrayBlockingQueue<>(2);
        Listener unix = new TcpTransport().listen(address, connection -> {
            answers.add(connection.canAwaitReadable());
            answers.add(connection.whenReadable(() -> { }));
        });
        try (Connection c = new TcpTransport().connect(address, Duration.ofSeconds(5))) {
            assertEquals(Boolean.FALSE, answers.poll(20, TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, answers.poll(20, TimeUnit.SECONDS));
        } finally {
            unix.close();
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
