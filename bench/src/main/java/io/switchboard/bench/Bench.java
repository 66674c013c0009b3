package io.switchboard.bench;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run on demand (bin/bench), prints a table. Echo round trips over loopback with N concurrent
 * clients, and the cost of many idle sessions (platform threads, RSS, heap per session).
 * Server and clients share one JVM, so numbers include both sides.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        // Compression is accepted when a client offers it; only the "deflate" rows do.
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().pingInterval(Duration.ZERO)
                .compression(true).build());
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        int port = server.start("127.0.0.1", 0);
        String url = "ws://127.0.0.1:" + port + "/echo";

        System.out.printf("%-34s %12s %12s %10s%n", "echo round trips", "messages/s", "MiB/s", "seconds");
        echo(url, 1, 64, 20_000, false);           // warm-up, not printed
        // {clients, size, count, deflate}
        for (int[] c : new int[][] {{1, 64, 50_000, 0}, {16, 64, 10_000, 0}, {64, 64, 2_000, 0},
                {4, 16 * 1024, 4_000, 0}, {4, 16 * 1024, 4_000, 1}, {1, 1024 * 1024, 200, 0}}) {
            double[] r = echo(url, c[0], c[1], c[2], c[3] == 1);
            System.out.printf("%-34s %12.0f %12.1f %10.2f%n",
                    c[0] + " clients x " + c[2] + " x " + size(c[1]) + (c[3] == 1 ? " deflate" : ""), r[0], r[1], r[2]);
        }

        System.out.printf("%n%-34s %12s%n", "idle sessions", "value");
        System.gc();
        long heapBefore = usedHeap();
        long rssBefore = rss();
        List<WebSocketClient> clients = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            WebSocketClient c = new WebSocketClient(url, Headers.empty(),
                    WebSocketOptions.builder().pingInterval(Duration.ZERO).build());
            ConnectResult result = c.connect();
            if (!result.isConnected()) {
                throw new IllegalStateException("connect " + i + " failed: " + result);
            }
            clients.add(c);
        }
        while (server.sessionCount() < idle) {
            Thread.sleep(10);
        }
        System.gc();
        long heapAfter = usedHeap();
        long rssAfter = rss();
        System.out.printf("%-34s %12d%n", "open sessions (server side)", server.sessionCount());
        System.out.printf("%-34s %12d%n", "client connections", clients.size());
        System.out.printf("%-34s %12d%n", "platform threads in the JVM", ManagementFactory.getThreadMXBean().getThreadCount());
        System.out.printf("%-34s %12d%n", "RSS before (MiB)", rssBefore / (1024 * 1024));
        System.out.printf("%-34s %12d%n", "RSS with sessions (MiB)", rssAfter / (1024 * 1024));
        System.out.printf("%-34s %12d%n", "heap per session pair (bytes)", (heapAfter - heapBefore) / idle);
        System.out.printf("%-34s %12d%n", "RSS per session pair (bytes)", (rssAfter - rssBefore) / idle);
        clients.forEach(c -> Thread.ofVirtual().start(c::close));
        server.stop();
        System.exit(0);
    }

    /**
     * Returns messages/s, MiB/s (of payload, both directions) and seconds for {@code clients} ×
     * {@code count} round trips; with {@code deflate}, the payload is JSON-like text, which
     * compresses about as well as real traffic does.
     */
    private static double[] echo(String url, int clients, int size, int count, boolean deflate) throws Exception {
        byte[] payload = new byte[size];
        if (deflate) {
            java.util.Random random = new java.util.Random(1);
            StringBuilder json = new StringBuilder();
            while (json.length() < size) {
                json.append("{\"id\":").append(random.nextInt(100_000)).append(",\"user\":\"u")
                        .append(random.nextInt(500)).append("\",\"price\":").append(random.nextInt(10_000) / 100.0)
                        .append(",\"tags\":[\"a\",\"b\"]},");
            }
            payload = java.util.Arrays.copyOf(json.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), size);
        }
        byte[] message = payload;
        WebSocketOptions options = WebSocketOptions.builder().compression(deflate).build();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(clients);
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < clients; i++) {
            Thread.ofVirtual().start(() -> {
                WebSocketClient c = new WebSocketClient(url, Headers.empty(), options);
                if (!c.connect().isConnected()) {
                    failures.incrementAndGet();
                }
                ready.countDown();
                try {
                    go.await();
                    for (int n = 0; n < count; n++) {
                        c.send(message);
                        if (!(c.read() instanceof Message.Binary b) || b.bytes().length != size) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    c.close();
                    done.countDown();
                }
            });
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " failed round trips");
        }
        double messages = (double) clients * count / seconds;
        return new double[] {messages, messages * size * 2 / (1024 * 1024), seconds};
    }

    private static String size(int bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
