package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of open connections cost virtual threads, not platform threads: the server runs
 * each session on a virtual thread and our client holds none while idle.
 */
@Timeout(60)
class ManyConnectionsTest {

    private static final int CONNECTIONS = 2_000;
    private static final int PLATFORM_THREAD_LIMIT = 100;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500)).build();

    @Test
    void twoThousandOpenSessionsEchoWhileThePlatformThreadCountStaysUnder100() throws Exception {
        WebSocketServer server = new WebSocketServer(OPTIONS);
        server.webSocket("/echo", Started.ECHO);
        int port = server.start("127.0.0.1", 0);
        WebSocketClient[] clients = new WebSocketClient[CONNECTIONS];
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch echoed = new CountDownLatch(CONNECTIONS);
            for (int i = 0; i < CONNECTIONS; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo",
                                Headers.empty(), OPTIONS);
                        clients[n] = client;
                        ConnectResult result = client.connect();
                        if (!result.isConnected()) {
                            failures.add(n + ": " + result);
                            return;
                        }
                        String text = "client " + n;
                        if (!client.send(text)) {
                            failures.add(n + ": send failed");
                        } else if (!new Message.Text(text).equals(client.read())) {
                            failures.add(n + ": wrong or no echo, closed with " + client.closeStatus());
                        }
                    } finally {
                        echoed.countDown();
                    }
                });
            }
            assertTrue(echoed.await(40, TimeUnit.SECONDS), "echoes still missing: " + echoed.getCount());
            assertEquals(List.of(), List.copyOf(failures));

            int open = 0;
            for (WebSocketClient client : clients) {
                open += client.isOpen() ? 1 : 0;
            }
            assertEquals(CONNECTIONS, open, "client connections open");
            assertEquals(CONNECTIONS, server.sessionCount(), "server sessions open");
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf("ManyConnectionsTest: %d open sessions, %d platform threads, VmRSS %s%n",
                    server.sessionCount(), threads, residentSetSize());
            assertTrue(threads < PLATFORM_THREAD_LIMIT,
                    threads + " platform threads with " + CONNECTIONS + " open sessions");

            AtomicInteger normal = new AtomicInteger();
            CountDownLatch closed = new CountDownLatch(CONNECTIONS);
            for (WebSocketClient client : clients) {
                pool.execute(() -> {
                    try {
                        client.close();
                        if (client.closeStatus().equals(Optional.of(CloseStatus.NORMAL))) {
                            normal.incrementAndGet();
                        }
                    } finally {
                        closed.countDown();
                    }
                });
            }
            assertTrue(closed.await(30, TimeUnit.SECONDS), "closes still pending: " + closed.getCount());
            assertEquals(CONNECTIONS, normal.get(), "connections closed with 1000");
        } finally {
            server.stop();
        }
    }

    /** The process's resident set size as /proc reports it, e.g. {@code "212345 kB"}. */
    private static String residentSetSize() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> line.substring("VmRSS:".length()).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
