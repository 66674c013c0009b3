package io.switchboard.bench;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.cluster.redis.RedisTopicRelay;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out of one published message to many subscribers (bin/bench-fanout), on one instance and
 * across two instances through Redis; prints messages delivered per second and the latency from
 * publish to the last subscriber. Not a test.
 *
 * <p>One instance: a server, its topic and N clients in this JVM. Two instances: this JVM
 * publishes on its own server, whose relay sends through Redis to a second instance started as
 * a child JVM, where the N clients (in this JVM, so one clock times both ends) are subscribed.
 *
 * <pre>
 * bin/bench-fanout [subscribers] [messages] [redis://host:port]
 * </pre>
 */
public final class FanOutBench {

    private static final String TOPIC = "fanout";
    private static final int PAYLOAD = 64;
    private static final WebSocketOptions QUIET = WebSocketOptions.builder().pingInterval(Duration.ZERO)
            .readTimeout(Duration.ZERO).build();

    private FanOutBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("instance")) {
            runInstance(args[1]);
            return;
        }
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String redis = args.length > 2 ? args[2] : null;

        WebSocketServer local = server();
        int localPort = local.start("127.0.0.1", 0);
        System.out.printf("%-44s %14s %10s %10s %10s%n", "fan-out of " + PAYLOAD + "-byte messages",
                "delivered/s", "p50 ms", "p99 ms", "max ms");
        run("one instance, " + subscribers + " subscribers", local.topics(), localPort, subscribers, messages);

        if (redis != null) {
            RedisTopicRelay relay = RedisTopicRelay.start(redis, local.topics());
            Process other = startInstance(redis);
            try {
                int otherPort = awaitPort(other);
                waitUntil(relay::isConnected, "the relay connects to " + redis);
                run("two instances via Redis, " + subscribers + " remote", local.topics(), otherPort, subscribers, messages);
                System.out.printf("%-44s %14s%n", "relay: forwarded, dropped", relay.forwarded() + ", " + relay.dropped());
            } finally {
                other.destroy();
                relay.close();
            }
        }
        local.stop();
    }

    private static WebSocketServer server() {
        WebSocketServer server = new WebSocketServer(QUIET);
        Topics topics = server.topics();
        server.webSocket("/fanout", (request, ws) -> {
            topics.subscribe(TOPIC, ws);
            ws.send("subscribed");
            while (ws.read() != null) {
                // subscribers only listen
            }
        });
        return server;
    }

    /** The child JVM of the two-instance run: a server relayed through Redis, until killed. */
    private static void runInstance(String redis) throws Exception {
        WebSocketServer server = server();
        int port = server.start("127.0.0.1", 0);
        RedisTopicRelay relay = RedisTopicRelay.start(redis, server.topics());
        waitUntil(relay::isConnected, "the relay connects to " + redis);
        System.out.println("port " + port);
        System.out.flush();
        server.awaitStop();
    }

    private static Process startInstance(String redis) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx2g", "-Djava.util.logging.config.file=/dev/null", "--add-modules", "ALL-MODULE-PATH",
                "--module-path", System.getProperty("jdk.module.path"),
                "-m", "io.switchboard.bench/" + FanOutBench.class.getName(), "instance", redis));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int awaitPort(Process other) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("port ")) {
                return Integer.parseInt(line.substring(5));
            }
        }
        throw new IllegalStateException("the second instance ended before it served");
    }

    /**
     * Subscribes {@code n} clients at {@code port}, then: {@code messages} publishes one at a time,
     * each timed until its last subscriber has it (latency); then the same number in one burst
     * (deliveries per second).
     */
    private static void run(String label, Topics publisher, int port, int n, int messages) throws Exception {
        String url = "ws://127.0.0.1:" + port + "/fanout";
        int total = 2 * messages;
        AtomicIntegerArray count = new AtomicIntegerArray(total);
        AtomicLongArray last = new AtomicLongArray(total);
        AtomicLong delivered = new AtomicLong();
        List<WebSocketClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            WebSocketClient client = new WebSocketClient(url, Headers.empty(), QUIET);
            if (!client.connect().isConnected() || !(client.read() instanceof Message.Text)) {
                throw new IllegalStateException("subscriber " + i + " could not join " + url);
            }
            clients.add(client);
            Thread.ofVirtual().start(() -> {
                Message m;
                while ((m = client.read()) != null) {
                    if (m instanceof Message.Binary b) {
                        long now = System.nanoTime();
                        int seq = (int) ByteBuffer.wrap(b.bytes()).getLong(0);
                        last.accumulateAndGet(seq, now, Math::max);
                        count.incrementAndGet(seq);
                        delivered.incrementAndGet();
                    }
                }
            });
        }
        long[] latency = new long[messages];
        for (int i = 0; i < messages; i++) {
            long start = System.nanoTime();
            publisher.publish(TOPIC, payload(i, start));
            int seq = i;
            waitUntil(() -> count.get(seq) == n, "message " + i + " reaches all " + n);
            latency[i] = last.get(i) - start;
        }
        long burstStart = System.nanoTime();
        long before = delivered.get();
        for (int i = messages; i < total; i++) {
            publisher.publish(TOPIC, payload(i, System.nanoTime()));
        }
        waitUntil(() -> delivered.get() - before == (long) n * messages, "the burst reaches everyone");
        double seconds = (System.nanoTime() - burstStart) / 1e9;
        Arrays.sort(latency);
        System.out.printf("%-44s %14.0f %10.2f %10.2f %10.2f%n", label, n * (double) messages / seconds,
                latency[messages / 2] / 1e6, latency[Math.min(messages - 1, messages * 99 / 100)] / 1e6,
                latency[messages - 1] / 1e6);
        clients.forEach(WebSocketClient::close);
    }

    private static byte[] payload(int seq, long nanos) {
        return ByteBuffer.allocate(PAYLOAD).putLong(seq).putLong(nanos).array();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            LockSupport.parkNanos(50_000);
        }
    }
}
