package io.switchboard.bench;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.spi.Transport;
import io.switchboard.tls.TlsClient;
import io.switchboard.tls.TlsServer;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The wss echo rows, run on demand with {@code bin/bench-tls}: a server over {@link TlsServer}
 * and clients over {@link TlsClient} in this JVM, on loopback, with a self-signed EC certificate
 * made at run time by the JDK's {@code keytool}. Rows, each measured for the given seconds after
 * a shorter warm-up:
 * <ul>
 * <li>1 connection × 64 B text ping-pong: messages/s and p50 / p99 round-trip latency;
 * <li>N connections × 64 B text, 8 in flight each: messages/s and p99;
 * <li>4 connections × 64 KiB binary, 2 in flight each: MB/s of echoed payload, one direction.
 * </ul>
 * Each row also gives the process's CPU time per echoed message (both sides), which other load
 * on the machine sways less than the rate.
 * With {@code --plain} the same rows also run over {@code ws://}, for the cost of TLS itself.
 * Uses only the public API that TLS has had since the {@code tls} module began (TlsServer.transport,
 * TlsClient.builder().trustedCertificates), so the same class measures older revisions too.
 * Server and clients share the machine's cores, so numbers include both sides.
 */
public final class TlsBench {

    private static final int SMALL = 64;
    private static final int LARGE = 64 * 1024;
    /** Latency histogram: one bucket per microsecond up to one second, the rest in the last. */
    private static final int BUCKETS = 1_000_001;

    private TlsBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = 5;
        int connections = 64;
        boolean plain = false;
        List<String> numbers = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--plain")) {
                plain = true;
            } else {
                numbers.add(arg);
            }
        }
        if (!numbers.isEmpty()) {
            seconds = Double.parseDouble(numbers.get(0));
        }
        if (numbers.size() > 1) {
            connections = Integer.parseInt(numbers.get(1));
        }
        if (seconds <= 0 || connections < 1 || numbers.size() > 2) {
            System.err.println("usage: bin/bench-tls [seconds-per-row (default 5)] [connections (default 64)] [--plain]");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("switchboard-bench-tls");
        try {
            Path[] pem = selfSigned(dir);
            WebSocketOptions options = WebSocketOptions.builder().pingInterval(Duration.ZERO).build();
            System.out.printf("%-44s %12s %10s %10s %12s%n", "echo over loopback, " + fmt(seconds) + " s per row",
                    "messages/s", "p50 us", "p99 us", "cpu us/msg");
            run("wss", new WebSocketServer(options, TlsServer.transport(pem[0], pem[1])),
                    TlsClient.builder().trustedCertificates(pem[0]).build(), options, seconds, connections);
            if (plain) {
                run("ws", new WebSocketServer(options), null, options, seconds, connections);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.exit(0);
    }

    private static void run(String scheme, WebSocketServer server, Transport clientTransport, WebSocketOptions options,
            double seconds, int connections) throws Exception {
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        int port = server.start("127.0.0.1", 0);
        String url = scheme + "://127.0.0.1:" + port + "/echo";
        Clients clients = () -> {
            WebSocketClient c = clientTransport == null ? new WebSocketClient(url, Headers.empty(), options)
                    : new WebSocketClient(url, Headers.empty(), options, clientTransport);
            if (!c.connect().isConnected()) {
                throw new IllegalStateException("cannot connect to " + url);
            }
            return c;
        };
        double warmUp = Math.min(2, seconds / 2);
        try {
            echo(clients, 1, SMALL, 1, warmUp);
            Result a = echo(clients, 1, SMALL, 1, seconds);
            System.out.printf("%-44s %12.0f %10d %10d %12.1f%n", scheme + " 1 conn x 64 B, ping-pong", a.perSecond(),
                    a.percentile(0.50), a.percentile(0.99), a.cpuPerMessage());
            echo(clients, connections, SMALL, 8, warmUp);
            Result b = echo(clients, connections, SMALL, 8, seconds);
            System.out.printf("%-44s %12.0f %10d %10d %12.1f%n", scheme + " " + connections + " conns x 64 B, 8 in flight",
                    b.perSecond(), b.percentile(0.50), b.percentile(0.99), b.cpuPerMessage());
            echo(clients, 4, LARGE, 2, warmUp);
            Result c = echo(clients, 4, LARGE, 2, seconds);
            System.out.printf("%-44s %12.0f %10d %10d %12.1f   %.0f MB/s%n", scheme + " 4 conns x 64 KiB binary, 2 in flight",
                    c.perSecond(), c.percentile(0.50), c.percentile(0.99), c.cpuPerMessage(), c.perSecond() * LARGE / 1e6);
        } finally {
            server.stop();
        }
    }

    /** Opens one connected client; a row opens its own. */
    @FunctionalInterface
    private interface Clients {
        WebSocketClient open();
    }

    /**
     * Echoed messages over the measured time, their round-trip latencies, and the CPU time the
     * whole process (server and clients) spent meanwhile: less swayed by other load on the
     * machine than the rate is.
     */
    private record Result(long messages, double seconds, long[] histogram, long cpuNanos) {
        double perSecond() {
            return messages / seconds;
        }

        double cpuPerMessage() {
            return messages == 0 ? 0 : cpuNanos / 1e3 / messages;
        }

        /** The latency in microseconds below which {@code fraction} of the round trips fell. */
        long percentile(double fraction) {
            long total = 0;
            for (long n : histogram) {
                total += n;
            }
            long wanted = (long) Math.ceil(total * fraction);
            long seen = 0;
            for (int us = 0; us < histogram.length; us++) {
                seen += histogram[us];
                if (seen >= wanted && seen > 0) {
                    return us;
                }
            }
            return -1;
        }
    }

    /**
     * {@code connections} clients, each keeping {@code inFlight} messages of {@code size} bytes
     * in flight for {@code seconds}: a sender and a reader thread per client. Each message
     * starts with its send time, so the reader needs no shared state to time it. Text for 64 B,
     * binary otherwise.
     */
    private static Result echo(Clients clients, int connections, int size, int inFlight, double seconds)
            throws InterruptedException {
        List<WebSocketClient> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(clients.open());
        }
        AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
        AtomicLong received = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch sendersDone = new CountDownLatch(connections);
        CountDownLatch readersDone = new CountDownLatch(connections);
        long[] window = new long[2];
        for (WebSocketClient c : open) {
            Semaphore credits = new Semaphore(inFlight);
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    while (System.nanoTime() < window[1]) {
                        if (!credits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        boolean sent = size == SMALL ? c.send(stamped(System.nanoTime())) : c.send(stampedBytes(size));
                        if (!sent) {
                            failures.incrementAndGet();
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    sendersDone.countDown();
                }
            });
            Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    Message m;
                    while ((m = c.read()) != null) {
                        long now = System.nanoTime();
                        long sentAt = switch (m) {
                            case Message.Text t -> Long.parseLong(t.text().substring(0, 20).strip());
                            case Message.Binary b -> readLong(b.bytes());
                        };
                        credits.release();
                        if (sentAt >= window[0] && now <= window[1]) {
                            received.incrementAndGet();
                            histogram.incrementAndGet((int) Math.min(BUCKETS - 1, (now - sentAt) / 1_000));
                        }
                        if (now > window[1] && credits.availablePermits() == inFlight) {
                            break;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                } finally {
                    readersDone.countDown();
                }
            });
        }
        long cpuBefore = processCpuNanos();
        window[0] = System.nanoTime();
        window[1] = window[0] + (long) (seconds * 1e9);
        go.countDown();
        boolean finished = sendersDone.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS);
        long cpu = processCpuNanos() - cpuBefore;
        // Readers stop once every echo is back; closing ends a read still waiting.
        readersDone.await(10, TimeUnit.SECONDS);
        open.forEach(WebSocketClient::close);
        finished &= readersDone.await(10, TimeUnit.SECONDS);
        if (!finished || failures.get() > 0) {
            throw new IllegalStateException("the row did not finish cleanly: " + failures.get() + " failures");
        }
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = histogram.get(i);
        }
        return new Result(received.get(), seconds, counts, cpu);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A 64-character text whose first 20 characters are {@code nanos}. */
    private static String stamped(long nanos) {
        String digits = Long.toString(nanos);
        StringBuilder s = new StringBuilder(SMALL).repeat(' ', 20 - digits.length()).append(digits);
        while (s.length() < SMALL) {
            s.append('x');
        }
        return s.toString();
    }

    private static byte[] stampedBytes(int size) {
        byte[] b = new byte[size];
        long nanos = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (nanos >>> (56 - 8 * i));
        }
        return b;
    }

    private static long readLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /**
     * A self-signed EC certificate for 127.0.0.1 and localhost from the JDK's keytool, written
     * as PEM: {certificate, PKCS#8 key}.
     */
    private static Path[] selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("bench.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass",
                "changeit").redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Key key = ks.getKey("bench", "changeit".toCharArray());
        Certificate cert = ks.getCertificate("bench");
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        writePem(certPem, "CERTIFICATE", cert.getEncoded());
        writePem(keyPem, "PRIVATE KEY", key.getEncoded());
        Files.delete(store);
        return new Path[] {certPem, keyPem};
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("-----BEGIN " + type + "-----\n").getBytes(StandardCharsets.US_ASCII));
            out.write(Base64.getMimeEncoder(64, new byte[] {'\n'}).encode(der));
            out.write(("\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }
}
