package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnecting client against real servers on loopback: restarts on the same port,
 * Retry-After, failures that stop the attempts, the hook, the user's close. Waits between
 * attempts are injected: the tests assert their order, count and computed length, never time.
 */
@Timeout(60)
class ReconnectTest {

    private static final WebSocketOptions OPTIONS = WebSocketOptions.builder().closeTimeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(5)).handshakeTimeout(Duration.ofSeconds(5)).build();
    private static final Message END = new Message.Text("(read returned null)");

    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<ReconnectingWebSocketClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        clients.forEach(ReconnectingWebSocketClient::close);
        servers.forEach(WebSocketServer::stop);
    }

    /** Records each wait; with {@code stepped}, each waits for the test's {@link #proceed()}. */
    private static final class Waits implements Redial.Pause {
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        final List<Outcome> outcomesSeen = new CopyOnWriteArrayList<>();
        final Semaphore paused = new Semaphore(0);
        final Semaphore go = new Semaphore(0);
        final boolean stepped;
        volatile ReconnectingWebSocketClient client;
        volatile MutableClock clock;

        Waits(boolean stepped) {
            this.stepped = stepped;
        }

        @Override
        public void pause(Duration delay) throws InterruptedException {
            delays.add(delay);
            client.lastResult().ifPresent(r -> outcomesSeen.add(r.outcome()));
            if (clock != null) {
                clock.advance(delay);
            }
            if (stepped) {
                paused.release();
                if (!go.tryAcquire(20, TimeUnit.SECONDS)) {
                    throw new InterruptedException("the test did not let the attempt proceed");
                }
            }
        }

        void awaitPause() throws InterruptedException {
            assertTrue(paused.tryAcquire(20, TimeUnit.SECONDS), "no wait before the next attempt");
        }

        void proceed() {
            go.release();
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-30T08:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private WebSocketServer server(WebSocketHandler handler, int port) throws IOException {
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/ws", handler);
        servers.add(server);
        server.start("127.0.0.1", port);
        return server;
    }

    private ReconnectingWebSocketClient.Builder builder(int port, Waits waits) {
        return ReconnectingWebSocketClient.builder(WebSocketClient.builder("ws://127.0.0.1:" + port + "/ws")
                .options(OPTIONS).build()).initialDelay(Duration.ofMillis(100)).jitter(0).pause(waits);
    }

    private ReconnectingWebSocketClient build(ReconnectingWebSocketClient.Builder builder, Waits waits) {
        ReconnectingWebSocketClient client = builder.build();
        waits.client = client;
        clients.add(client);
        return client;
    }

    /** Reads on a virtual thread until read() returns null, then adds {@link #END}. */
    private static BlockingQueue<Message> readAll(ReconnectingWebSocketClient client) {
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            Message m;
            while ((m = client.read()) != null) {
                got.add(m);
            }
            got.add(END);
        });
        return got;
    }

    private static Message next(BlockingQueue<Message> got) throws InterruptedException {
        Message m = got.poll(20, TimeUnit.SECONDS);
        assertTrue(m != null, "nothing read within 20 s");
        return m;
    }

    /** Greets each connection with "hello N", records what it receives, echoes. */
    private static WebSocketHandler greeter(AtomicInteger connections, BlockingQueue<String> received) {
        return (request, ws) -> {
            ws.send("hello " + connections.incrementAndGet());
            Message m;
            while ((m = ws.read()) != null) {
                if (m instanceof Message.Text t) {
                    received.add(t.text());
                }
                ws.send(m);
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void aServerRestartedOnTheSamePortIsReconnectedAndTheHookResubscribes() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocketServer first = server(greeter(connections, received), 0);
        int port = first.port();
        Waits waits = new Waits(true);
        List<Long> hooks = new CopyOnWriteArrayList<>();
        ReconnectingWebSocketClient ws = build(builder(port, waits).onReconnect(c -> {
            hooks.add(c.generation());
            c.send("resubscribe");
        }), waits);

        assertTrue(ws.connect().isConnected());
        assertEquals(1, ws.generation());
        BlockingQueue<Message> got = readAll(ws);
        assertEquals(new Message.Text("hello 1"), next(got));

        first.stop(); // 1001 Going Away
        waits.awaitPause(); // before attempt 1
        waits.proceed(); // attempt 1 finds nothing listening
        waits.awaitPause(); // before attempt 2
        assertEquals(Outcome.REFUSED, ws.lastResult().orElseThrow().outcome());
        server(greeter(connections, received), port);
        waits.proceed();

        assertEquals(new Message.Text("hello 2"), next(got));
        assertEquals(new Message.Text("resubscribe"), next(got)); // echoed by the new server
        assertEquals("resubscribe", received.poll(20, TimeUnit.SECONDS));
        assertEquals(List.of(2L), hooks);
        assertEquals(2, ws.generation());
        assertEquals(List.of(Outcome.CONNECTED, Outcome.REFUSED), waits.outcomesSeen);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits.delays);

        ws.close();
        assertEquals(END, next(got));
        assertEquals(2, waits.delays.size(), "no attempt after close()");
    }

    @Test
    void theHookRunsAfterEachReconnectionBeforeTheNewConnectionsMessages() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        server((request, ws) -> {
            int n = connections.incrementAndGet();
            ws.send("hello " + n);
            if (n < 3) {
                ws.close(CloseStatus.SERVICE_RESTART, "restart " + n);
                return;
            }
            Message m;
            while ((m = ws.read()) != null) {
                ws.send(m);
            }
        }, 0);
        Waits waits = new Waits(false);
        List<String> events = new CopyOnWriteArrayList<>();
        ReconnectingWebSocketClient ws = build(builder(servers.get(0).port(), waits).onReconnect(c -> {
            events.add("hook " + c.generation());
            c.send("resubscribe " + c.generation());
        }), waits);
        assertTrue(ws.connect().isConnected());
        Message m;
        while (events.size() < 6 && (m = ws.read()) != null) {
            events.add(((Message.Text) m).text());
        }
        assertEquals(List.of("hello 1", "hook 2", "hello 2", "hook 3", "hello 3", "resubscribe 3"), events);
        assertEquals(3, ws.generation());
        assertEquals(2, waits.delays.size());
    }

    @Test
    void aServerAnswering503WithRetryAfterSecondsIsRetriedNoSoonerThanAsked() throws Exception {
        AtomicInteger upgrades = new AtomicInteger();
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/ws", Started.ECHO)
                .preUpgrade(request -> upgrades.incrementAndGet() <= 2
                        ? Optional.of(HttpResponse.of(503, "busy").withHeaders(Headers.of("Retry-After", "7")))
                        : Optional.empty());
        servers.add(server);
        int port = server.start("127.0.0.1", 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(port, waits), waits);
        ConnectResult result = ws.connect();
        assertTrue(result.isConnected(), result.toString());
        assertEquals(3, upgrades.get());
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), waits.delays);
        assertEquals(List.of(Outcome.HANDSHAKE_REJECTED, Outcome.HANDSHAKE_REJECTED), waits.outcomesSeen);
    }

    @Test
    void aServerAnswering429WithARetryAfterDateWaitsUntilThatDate() throws Exception {
        MutableClock clock = new MutableClock();
        String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(20).atOffset(ZoneOffset.UTC));
        AtomicInteger upgrades = new AtomicInteger();
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/ws", Started.ECHO)
                .preUpgrade(request -> upgrades.incrementAndGet() == 1
                        ? Optional.of(HttpResponse.of(429, "slow down").withHeaders(Headers.of("Retry-After", at)))
                        : Optional.empty());
        servers.add(server);
        int port = server.start("127.0.0.1", 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(port, waits).clock(clock), waits);
        assertTrue(ws.connect().isConnected());
        assertEquals(List.of(Duration.ofSeconds(20)), waits.delays);
    }

    @Test
    void fourOhFourIsNotRetried() throws Exception {
        WebSocketServer server = server(Started.ECHO, 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(ReconnectingWebSocketClient.builder(WebSocketClient.builder(
                "ws://127.0.0.1:" + server.port() + "/nowhere").options(OPTIONS).build()).pause(waits), waits);
        ConnectResult result = ws.connect();
        assertEquals(Outcome.HANDSHAKE_REJECTED, result.outcome());
        assertEquals(404, result.httpStatus());
        assertTrue(ws.hasGivenUp());
        assertEquals(List.of(), waits.delays);
        assertNull(ws.read());
    }

    @Test
    void fourOhOneFromTheHookIsNotRetried() throws Exception {
        AtomicInteger upgrades = new AtomicInteger();
        WebSocketServer server = new WebSocketServer(OPTIONS).webSocket("/ws", Started.ECHO)
                .preUpgrade(request -> {
                    upgrades.incrementAndGet();
                    return Optional.of(HttpResponse.of(401, "who are you"));
                });
        servers.add(server);
        int port = server.start("127.0.0.1", 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(port, waits), waits);
        assertEquals(401, ws.connect().httpStatus());
        assertEquals(1, upgrades.get());
        assertEquals(List.of(), waits.delays);
    }

    @Test
    void theUsersCloseDoesNotReconnect() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        server(greeter(connections, new LinkedBlockingQueue<>()), 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(servers.get(0).port(), waits), waits);
        assertTrue(ws.connect().isConnected());
        BlockingQueue<Message> got = readAll(ws);
        assertEquals(new Message.Text("hello 1"), next(got));
        ws.close();
        assertEquals(END, next(got));
        assertEquals(List.of(), waits.delays);
        assertEquals(1, connections.get());
        assertEquals(1, ws.generation());
        assertFalse(ws.send("after close"));
    }

    @Test
    void closeEndsAWaitBetweenAttemptsAtOnce() throws Exception {
        int port = freePort();
        // The real wait (no injected pause), long enough that only close() can end it.
        ReconnectingWebSocketClient ws = ReconnectingWebSocketClient.builder(WebSocketClient.builder(
                "ws://127.0.0.1:" + port + "/ws").options(OPTIONS).build()).initialDelay(Duration.ofMinutes(10)).maxDelay(Duration.ofMinutes(10)).build();
        clients.add(ws);
        BlockingQueue<ConnectResult> result = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> result.add(ws.connect()));
        assertTrue(Await.until(Duration.ofSeconds(20), () -> ws.lastResult().isPresent()));
        ws.close();
        ConnectResult r = result.poll(20, TimeUnit.SECONDS);
        assertTrue(r != null, "connect() still waiting after close()");
        assertEquals(Outcome.CLOSED, r.outcome(), r.toString());
    }

    @Test
    void aNormalClosureFromTheServerEndsReading() throws Exception {
        server((request, ws) -> {
            ws.send("bye");
            ws.close(CloseStatus.NORMAL, "done");
        }, 0);
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(servers.get(0).port(), waits), waits);
        assertTrue(ws.connect().isConnected());
        assertEquals(new Message.Text("bye"), ws.read());
        assertNull(ws.read());
        assertTrue(ws.hasGivenUp());
        assertEquals(Optional.of(CloseStatus.NORMAL), ws.closeStatus());
        assertEquals(List.of(), waits.delays);
    }

    @Test
    void maxAttemptsBoundsARunOfFailures() throws Exception {
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(freePort(), waits).maxAttempts(3), waits);
        ConnectResult result = ws.connect();
        assertEquals(Outcome.REFUSED, result.outcome());
        assertTrue(ws.hasGivenUp());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits.delays);
    }

    @Test
    void giveUpAfterBoundsTheTimeOfARun() throws Exception {
        Waits waits = new Waits(false);
        waits.clock = new MutableClock();
        ReconnectingWebSocketClient ws = build(builder(freePort(), waits).initialDelay(Duration.ofMillis(300))
                .giveUpAfter(Duration.ofSeconds(1)).clock(waits.clock), waits);
        assertEquals(Outcome.REFUSED, ws.connect().outcome());
        // 300 ms, then 600 ms (900 in all); 1200 more would pass the bound.
        assertEquals(List.of(Duration.ofMillis(300), Duration.ofMillis(600)), waits.delays);
        assertTrue(ws.hasGivenUp());
    }

    @Test
    void aConnectionThatBreaksWithoutACloseFrameIsReconnected() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                for (String text : new String[] {"one", "two"}) {
                    try (java.net.Socket socket = fake.accept(); RawPeer peer = RawPeer.of(socket)) {
                        String key = peer.readHead().headers().first("Sec-WebSocket-Key").orElseThrow();
                        peer.writeAscii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + RawPeer.acceptFor(key) + "\r\n\r\n");
                        peer.write(RawPeer.frame(true, 0, RawPeer.TEXT, RawPeer.utf8(text), false)); // unmasked: a server's
                        if (text.equals("two")) {
                            peer.write(RawPeer.frame(true, 0, RawPeer.CLOSE, RawPeer.closePayload(1000, "done"), false));
                            peer.readFrame(); // the client's answering close
                        }
                    } catch (IOException e) {
                        return; // the test fails on what the client read
                    }
                    // the first connection ends here: TCP closed, no close frame (1006 at the client)
                }
            });
            Waits waits = new Waits(false);
            ReconnectingWebSocketClient ws = build(builder(fake.getLocalPort(), waits), waits);
            assertTrue(ws.connect().isConnected());
            assertEquals(new Message.Text("one"), ws.read(), () -> ws.closeStatus() + " " + ws.closeReason() + " "
                    + ws.lastResult() + " " + ws.hasGivenUp());
            assertEquals(new Message.Text("two"), ws.read());
            assertNull(ws.read()); // 1000 from the second connection: done
            assertEquals(2, ws.generation());
            assertEquals(List.of(Duration.ofMillis(100)), waits.delays);
            assertEquals(Optional.of(CloseStatus.NORMAL), ws.closeStatus());
        }
    }

    @Test
    void readBeforeConnectIsNull() {
        Waits waits = new Waits(false);
        ReconnectingWebSocketClient ws = build(builder(9, waits), waits);
        assertNull(ws.read());
        assertEquals(0, ws.generation());
        assertEquals(Optional.empty(), ws.lastResult());
    }
}
