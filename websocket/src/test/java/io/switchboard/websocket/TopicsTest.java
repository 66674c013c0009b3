package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.api.spi.TopicRelay;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Topics over real sessions: fan-out, order, leaving on close, slow subscribers, compression, relays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A handler that subscribes each session to {@code topic} and then just reads. */
    private static WebSocketHandler subscribing(Topics topics, String topic) {
        return (request, ws) -> {
            topics.subscribe(topic, ws);
            while (ws.read() != null) {
                // subscribers only listen
            }
        };
    }

    private static String newTopic() {
        return "topic-" + NAMES.incrementAndGet();
    }

    private static WebSocketClient connect(Started started, int port, WebSocketOptions options) {
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/room",
                io.switchboard.api.Headers.empty(), options));
        assertTrue(client.connect().isConnected());
        return client;
    }

    @Test
    void everySubscriberReceivesEveryMessageInPublishingOrder() throws Exception {
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer());
            Topics topics = server.topics();
            String topic = newTopic();
            server.webSocket("/room", subscribing(topics, topic));
            int port = server.start("127.0.0.1", 0);
            List<WebSocketClient> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(connect(started, port, WebSocketOptions.defaults()));
            }
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 5));
            for (int i = 0; i < 50; i++) {
                assertEquals(5, topics.publish(topic, "m" + i));
            }
            assertEquals(5, topics.publish(topic, new byte[] {1, 2, 3}));
            for (WebSocketClient client : clients) {
                for (int i = 0; i < 50; i++) {
                    assertEquals(new Message.Text("m" + i), client.read());
                }
                assertEquals(new Message.Binary(new byte[] {1, 2, 3}), client.read());
            }
        }
    }

    @Test
    void aClosedSessionLeavesItsTopics() throws Exception {
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer());
            Topics topics = server.topics();
            String topic = newTopic();
            String other = newTopic();
            server.webSocket("/room", (request, ws) -> {
                topics.subscribe(topic, ws);
                topics.subscribe(other, ws);
                while (ws.read() != null) {
                    // listen
                }
            });
            int port = server.start("127.0.0.1", 0);
            WebSocketClient leaving = connect(started, port, WebSocketOptions.defaults());
            WebSocketClient staying = connect(started, port, WebSocketOptions.defaults());
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 2 && topics.subscribers(other) == 2));
            leaving.close();
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 1 && topics.subscribers(other) == 1),
                    () -> "still subscribed: " + topics.subscribers(topic) + ", " + topics.subscribers(other));
            assertEquals(1, topics.publish(topic, "after"));
            assertEquals(new Message.Text("after"), staying.read());
        }
    }

    @Test
    void unsubscribeStopsDeliveryAndSubscribeIsIdempotent() throws Exception {
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer());
            Topics topics = server.topics();
            String topic = newTopic();
            server.webSocket("/room", (request, ws) -> {
                assertTrue(topics.subscribe(topic, ws));
                assertFalse(topics.subscribe(topic, ws));
                Message msg;
                while ((msg = ws.read()) != null) {
                    if (msg instanceof Message.Text t && t.text().equals("leave")) {
                        assertTrue(topics.unsubscribe(topic, ws));
                        assertFalse(topics.unsubscribe(topic, ws));
                        ws.send("left");
                    }
                }
            });
            int port = server.start("127.0.0.1", 0);
            WebSocketClient client = connect(started, port, WebSocketOptions.defaults());
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 1));
            client.send("leave");
            assertEquals(new Message.Text("left"), client.read());
            assertEquals(0, topics.subscribers(topic));
            assertEquals(0, topics.publish(topic, "nobody"));
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedAndDelaysNoOne() throws Exception {
        // Reproduces a broadcast loop writing to subscribers one after another: the reader that
        // stopped would hold every later subscriber (and the publisher) until its write timeout.
        WebSocketOptions options = WebSocketOptions.builder().outboundBudget(256 * 1024)
                .writeTimeout(Duration.ofSeconds(30)).build();
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer(options));
            Topics topics = server.topics();
            String topic = newTopic();
            server.webSocket("/room", subscribing(topics, topic));
            int port = server.start("127.0.0.1", 0);
            // First in the set or not, the stalled peer must not matter: it never reads.
            Socket stalled = new Socket();
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            stalled.getOutputStream().write(("GET /room HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            List<WebSocketClient> readers = List.of(connect(started, port, WebSocketOptions.defaults()),
                    connect(started, port, WebSocketOptions.defaults()));
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 3));
            List<List<Message>> received = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            int count = 400;
            for (WebSocketClient reader : readers) {
                List<Message> got = new CopyOnWriteArrayList<>();
                received.add(got);
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < count; i++) {
                        got.add(reader.read());
                    }
                }));
            }
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < count; i++) {
                chunk[0] = (byte) i;
                topics.publish(topic, chunk); // never waits for the stalled peer
                if (i % 8 == 7) { // in rounds the readers keep up with, far within their budget
                    int sent = i + 1;
                    assertTrue(Await.until(WAIT, () -> received.stream().allMatch(got -> got.size() >= sent)));
                }
            }
            for (Thread t : threads) {
                assertTrue(t.join(WAIT), "a reading subscriber did not get every message");
            }
            for (List<Message> got : received) {
                for (int i = 0; i < count; i++) {
                    byte[] bytes = assertInstanceOf(Message.Binary.class, got.get(i)).bytes();
                    assertEquals((byte) i, bytes[0], "message " + i + " in order");
                }
            }
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 2), "the stalled subscriber was dropped");
            stalled.close();
        }
    }

    @Test
    void compressedSubscribersGetTheSameMessages() throws Exception {
        WebSocketOptions deflate = WebSocketOptions.builder().compression(true).build();
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer(deflate));
            Topics topics = server.topics();
            String topic = newTopic();
            server.webSocket("/room", subscribing(topics, topic));
            int port = server.start("127.0.0.1", 0);
            List<WebSocketClient> clients = List.of(connect(started, port, deflate), connect(started, port, deflate),
                    connect(started, port, WebSocketOptions.defaults()));
            assertTrue(Await.until(WAIT, () -> topics.subscribers(topic) == 3));
            String big = "{\"user\":\"ada\",\"text\":\"hello\"}".repeat(100);
            topics.publish(topic, big);
            topics.publish(topic, "short");
            for (WebSocketClient client : clients) {
                assertEquals(new Message.Text(big), client.read());
                assertEquals(new Message.Text("short"), client.read());
            }
        }
    }

    @Test
    void aClientSideSessionCanSubscribeToo() throws Exception {
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer());
            List<Message> heard = new CopyOnWriteArrayList<>();
            server.webSocket("/room", (request, ws) -> {
                Message msg;
                while ((msg = ws.read()) != null) {
                    heard.add(msg);
                }
            });
            int port = server.start("127.0.0.1", 0);
            WebSocketClient client = connect(started, port, WebSocketOptions.defaults());
            Topics topics = server.topics();
            String topic = newTopic();
            assertTrue(topics.subscribe(topic, client));
            topics.publish(topic, "to the server");
            assertTrue(Await.until(WAIT, () -> heard.equals(List.of(new Message.Text("to the server")))));
        }
    }

    @Test
    void publishGoesToRelaysAndPublishLocallyDoesNot() {
        Topics topics = new io.switchboard.websocket.internal.TopicHub();
        List<String> forwarded = new CopyOnWriteArrayList<>();
        TopicRelay relay = (topic, message) -> forwarded.add(topic + ":" + message);
        topics.addRelay(relay);
        topics.publish("a", "one");
        topics.publishLocally("a", Message.text("two"));
        assertEquals(List.of("a:Text[one]"), forwarded);
        assertTrue(topics.removeRelay(relay));
        topics.publish("a", "three");
        assertEquals(1, forwarded.size());
    }

    @Test
    void topicNamesAreBounded() {
        Topics topics = new io.switchboard.websocket.internal.TopicHub();
        assertThrows(IllegalArgumentException.class, () -> topics.publish("", "x"));
        char[] tooLong = new char[Topics.MAX_NAME_LENGTH + 1];
        Arrays.fill(tooLong, 'a');
        assertThrows(IllegalArgumentException.class, () -> topics.publish(new String(tooLong), "x"));
    }
}
