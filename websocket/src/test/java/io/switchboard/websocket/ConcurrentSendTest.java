package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads sending through one WebSocket: every message arrives whole and exactly once.
 * Messages vary in size so that small (one write), 16-bit and 64-bit length frames, and
 * client frames masked in several chunks all race each other.
 */
@Timeout(40)
class ConcurrentSendTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 500;
    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofMillis(500)).build();

    private WebSocketServer server;
    private int port;
    private final ConcurrentLinkedQueue<Throwable> senderFailures = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new WebSocketServer(OPTIONS);
        server.webSocket("/echo", Started.ECHO);
        server.webSocket("/flood", (request, ws) -> {
            List<Thread> senders = startSenders(ws, Thread.ofVirtual().name("server-sender-", 0));
            for (Thread t : senders) {
                t.join();
            }
            while (ws.read() != null) {
                // until the client closes
            }
        });
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    /** The size of message {@code i} of a thread: mostly small, some past 125, 8 KiB and 64 KiB. */
    private static int size(int i) {
        return switch (i % 25) {
            case 0 -> 70_000 + i;
            case 1, 2 -> 9_000 + i;
            case 3, 4, 5 -> 126 + i;
            default -> 10 + i % 100;
        };
    }

    /** Message {@code i} of thread {@code t}: an id followed by filler derived from the id. */
    private static byte[] payload(int t, int i) {
        String id = t + ":" + i + ":";
        byte[] bytes = new byte[id.length() + size(i)];
        byte[] head = id.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, bytes, 0, head.length);
        for (int k = head.length; k < bytes.length; k++) {
            bytes[k] = (byte) ('a' + (t * 7 + i + k) % 26);
        }
        return bytes;
    }

    /** Starts the senders with {@code builder}; even messages go as text, odd ones as binary. */
    private List<Thread> startSenders(WebSocket ws, Thread.Builder builder) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(builder.start(() -> {
                try {
                    for (int i = 0; i < PER_THREAD; i++) {
                        byte[] p = payload(thread, i);
                        boolean sent = i % 2 == 0 ? ws.send(new String(p, StandardCharsets.US_ASCII)) : ws.send(p);
                        if (!sent) {
                            throw new AssertionError("send " + thread + ":" + i + " returned false");
                        }
                    }
                } catch (Throwable e) {
                    senderFailures.add(e);
                }
            }));
        }
        return threads;
    }

    /** Reads THREADS * PER_THREAD messages and checks each against the one its id names. */
    private void receiveAll(WebSocket ws) {
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < THREADS * PER_THREAD; n++) {
            Message m = ws.read();
            assertNotNull(m, "connection ended after " + n + " messages; sender failures: " + senderFailures);
            byte[] bytes = switch (m) {
                case Message.Text text -> text.text().getBytes(StandardCharsets.US_ASCII);
                case Message.Binary binary -> binary.bytes();
            };
            String[] id = new String(bytes, 0, Math.min(bytes.length, 12), StandardCharsets.US_ASCII).split(":");
            int t = Integer.parseInt(id[0]);
            int i = Integer.parseInt(id[1]);
            assertTrue(Arrays.equals(payload(t, i), bytes), "message " + t + ":" + i + " corrupted");
            assertEquals(i % 2 == 0, m instanceof Message.Text, "type of message " + t + ":" + i);
            assertTrue(seen.add(t + ":" + i), "message " + t + ":" + i + " arrived twice");
        }
        assertEquals(THREADS * PER_THREAD, seen.size());
    }

    @Test
    void eightThreadsSendingThroughOneClientGetEveryMessageBackIntact() throws Exception {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), OPTIONS);
        assertTrue(client.connect().isConnected());
        List<Thread> senders = startSenders(client, Thread.ofPlatform().name("client-sender-", 0));
        receiveAll(client);
        for (Thread t : senders) {
            assertTrue(t.join(Duration.ofSeconds(10)));
        }
        assertTrue(senderFailures.isEmpty(), senderFailures.toString());
        client.close();
    }

    @Test
    void eightThreadsSendingThroughOneServerSessionDeliverEveryMessageIntact() throws Exception {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/flood", Headers.empty(), OPTIONS);
        assertTrue(client.connect().isConnected());
        receiveAll(client);
        client.close();
        assertTrue(senderFailures.isEmpty(), senderFailures.toString());
    }
}
