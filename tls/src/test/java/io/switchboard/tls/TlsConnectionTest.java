package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.GatheringOutput;
import io.switchboard.api.spi.Listener;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The transport contract over TLS: secure connections, and a close that never hangs. */
@Timeout(60)
class TlsConnectionTest {

    @TempDir
    Path dir;
    Issued ca;
    TlsServer server;
    TlsClient client;

    @BeforeEach
    void setUp() {
        ca = TestPki.ca("CA", Algorithm.EC);
        Issued cert = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        server = TlsServer.transport(TestPki.write(dir, "s.pem", cert.certificatePem()),
                TestPki.write(dir, "s.key", cert.sec1Pem(true)));
        client = TlsClient.builder().trustedCertificates(ca.certificate()).build();
    }

    @Test
    void bothEndsAreSecureAndBytesPassBothWays() throws Exception {
        CompletableFuture<Boolean> serverSideSecure = new CompletableFuture<>();
        try (Listener listener = server.listen(new InetSocketAddress("127.0.0.1", 0), c -> {
            serverSideSecure.complete(c.isSecure());
            try {
                int b = c.input().read();
                c.output().write(b + 1);
                c.output().flush();
                c.input().read(); // until the client closes
            } catch (IOException e) {
                // client gone
            }
        })) {
            Connection c = client.connect(new InetSocketAddress("localhost", listener.port()), Duration.ofSeconds(5));
            try {
                assertTrue(c.isSecure());
                c.output().write(41);
                c.output().flush();
                assertEquals(42, c.input().read());
                assertTrue(serverSideSecure.get(10, TimeUnit.SECONDS));
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aGatheringWriteArrivesWholeAndInOrder() throws Exception {
        byte[] big = new byte[200_000]; // spans many records
        new java.util.Random(17).nextBytes(big);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (Listener listener = server.listen(new InetSocketAddress("127.0.0.1", 0), c -> {
            try {
                received.complete(c.input().readNBytes(3 + big.length));
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        })) {
            Connection c = client.connect(new InetSocketAddress("localhost", listener.port()), Duration.ofSeconds(5));
            try {
                ((GatheringOutput) c.output()).write(new byte[] {9, 8, 7, 6}, 1, 3, big, 0, big.length);
                byte[] got = received.get(20, TimeUnit.SECONDS);
                assertArrayEquals(new byte[] {8, 7, 6}, java.util.Arrays.copyOf(got, 3));
                assertArrayEquals(big, java.util.Arrays.copyOfRange(got, 3, got.length));
            } finally {
                c.close();
            }
        }
    }

    @Test
    void closeUnblocksAWriterWhosePeerStoppedReading() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Listener listener = server.listen(new InetSocketAddress("127.0.0.1", 0), c -> {
            try {
                release.await(120, TimeUnit.SECONDS); // never reads; outlives the bounded waits below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            Connection c = client.connect(new InetSocketAddress("localhost", listener.port()), Duration.ofSeconds(5));
            AtomicLong written = new AtomicLong();
            CompletableFuture<Throwable> writerEnd = new CompletableFuture<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (true) {
                        c.output().write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (Throwable t) {
                    writerEnd.complete(t);
                }
            });
            // Wait (bounded by the test timeout) until the writer is parked on a full send buffer.
            while (written.get() == 0 || writer.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            try {
                // close() must return while the peer still reads nothing (a close_notify write would block).
                CompletableFuture.runAsync(c::close, r -> Thread.ofVirtual().start(r)).get(20, TimeUnit.SECONDS);
                assertInstanceOf(IOException.class, writerEnd.get(20, TimeUnit.SECONDS));
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * TLS 1.3 servers send session tickets after the handshake; one that reaches the client in
     * the same read as the first data must not leave that data waiting behind it.
     */
    @Test
    void dataThatArrivesTogetherWithASessionTicketIsReadAtOnce() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Listener listener = server.listen(new InetSocketAddress("127.0.0.1", 0), c -> {
            try {
                c.output().write(42);
                written.countDown();
                release.await(60, TimeUnit.SECONDS);
            } catch (IOException e) {
                // client gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            Connection c = client.connect(new InetSocketAddress("localhost", listener.port()), Duration.ofSeconds(5));
            try {
                assertTrue(written.await(10, TimeUnit.SECONDS));
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.input().read();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, r -> Thread.ofVirtual().start(r));
                assertEquals(42, read.get(10, TimeUnit.SECONDS));
            } finally {
                release.countDown();
                c.close();
            }
        }
    }
}
