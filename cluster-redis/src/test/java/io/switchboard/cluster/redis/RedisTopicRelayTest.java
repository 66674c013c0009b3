package io.switchboard.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import io.switchboard.websocket.internal.TopicHub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances (each a server with its own hub) bridged through a real redis-server: messages
 * cross, each arrives once, and an instance that loses Redis serves its own subscribers, says
 * it is degraded once, and comes back by itself.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisTopicRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** One instance: a server whose handler subscribes every session to "chat" on its own hub. */
    private record Instance(WebSocketServer server, TopicHub topics, int port) {
    }

    private Instance instance() throws Exception {
        TopicHub topics = new TopicHub();
        WebSocketServer server = new WebSocketServer();
        server.webSocket("/chat", (request, ws) -> {
            topics.subscribe("chat", ws);
            while (ws.read() != null) {
                // listen
            }
        });
        int port = server.start("127.0.0.1", 0);
        opened.add(server::stop);
        return new Instance(server, topics, port);
    }

    private WebSocketClient join(Instance instance) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + instance.port() + "/chat");
        assertTrue(client.connect().isConnected());
        opened.add(client);
        return client;
    }

    private RedisTopicRelay relay(RedisServer redis, Topics topics) {
        RedisTopicRelay relay = RedisTopicRelay.start(redis.uri(), topics);
        opened.add(relay);
        return relay;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private static boolean until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    /** The next message, or null if none arrives within {@link #WAIT}. */
    private static Message next(WebSocketClient client) throws Exception {
        CompletableFuture<Message> read = CompletableFuture.supplyAsync(client::read);
        try {
            return read.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    @Test
    void messagesReachEveryInstanceOnceAndInOrder() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Instance a = instance();
            Instance b = instance();
            RedisTopicRelay relayA = relay(redis, a.topics());
            RedisTopicRelay relayB = relay(redis, b.topics());
            assertTrue(until(() -> relayA.isConnected() && relayB.isConnected()));
            WebSocketClient onA = join(a);
            WebSocketClient onB = join(b);
            assertTrue(until(() -> a.topics().subscribers("chat") == 1 && b.topics().subscribers("chat") == 1));
            for (int i = 0; i < 100; i++) {
                a.topics().publish("chat", "from a " + i);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(Message.text("from a " + i), next(onA));
                assertEquals(Message.text("from a " + i), next(onB), "in publishing order on the other instance");
            }
            b.topics().publish("chat", new byte[] {7});
            assertEquals(Message.binary(new byte[] {7}), next(onB));
            assertEquals(Message.binary(new byte[] {7}), next(onA));
            // Exactly once: a's own message is not handed back to it through Redis.
            a.topics().publish("chat", "last");
            assertEquals(Message.text("last"), next(onA));
            assertEquals(Message.text("last"), next(onB));
            assertTrue(until(() -> relayA.forwarded() == 101), () -> "forwarded " + relayA.forwarded());
            assertEquals(1, relayA.received());
            assertEquals(0, relayA.dropped());
        }
    }

    @Test
    void anInstanceThatLosesRedisServesLocallySaysSoOnceAndReconnects() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.switchboard.cluster.redis");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (RedisServer redis = RedisServer.start()) {
            Instance a = instance();
            Instance b = instance();
            RedisTopicRelay relayA = relay(redis, a.topics());
            RedisTopicRelay relayB = relay(redis, b.topics());
            assertTrue(until(() -> relayA.isConnected() && relayB.isConnected()));
            WebSocketClient onA = join(a);
            WebSocketClient onB = join(b);
            assertTrue(until(() -> a.topics().subscribers("chat") == 1 && b.topics().subscribers("chat") == 1));

            redis.kill();
            assertTrue(until(() -> !relayA.isConnected() && !relayB.isConnected()), "both notice the loss");
            a.topics().publish("chat", "while degraded");
            assertEquals(Message.text("while degraded"), next(onA), "local subscribers are still served");
            assertTrue(until(() -> relayA.dropped() >= 1), "the message for other instances is dropped, not held");

            redis.restart();
            assertTrue(until(() -> relayA.isConnected() && relayB.isConnected()), "both reconnect by themselves");
            a.topics().publish("chat", "back");
            assertEquals(Message.text("back"), next(onA));
            assertEquals(Message.text("back"), next(onB), "across instances again; the degraded one was never delivered");
            long degraded = warnings.stream().filter(w -> w.contains("DEGRADED")).count();
            assertEquals(2, degraded, () -> "one DEGRADED line per instance: " + warnings);
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void anUnreachableRedisAtStartIsRetriedAndLocalDeliveryWorks() throws Exception {
        RedisServer.assumeAvailable();
        Instance a = instance();
        RedisTopicRelay relay;
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        relay = RedisTopicRelay.start("redis://127.0.0.1:" + port, a.topics());
        opened.add(relay);
        WebSocketClient client = join(a);
        assertTrue(until(() -> a.topics().subscribers("chat") == 1));
        assertFalse(relay.isConnected());
        a.topics().publish("chat", "local");
        assertEquals(Message.text("local"), next(client));
    }
}
