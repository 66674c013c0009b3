package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.MessageHandler;
import io.switchboard.api.WebSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MessageHandler sessions: callbacks in order and never concurrent, and a session that gives up
 * its thread when idle (threshold 50 ms here) and goes on, intact, when the peer speaks again or
 * when another thread sends, pings, times out or closes it.
 */
@Timeout(60)
class MessageHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private WebSocketServer server;
    private int port;
    /** What the handler saw, in order: "open", "msg:<text>", "close:<code>:<reason>", "overlap" if callbacks overlapped. */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    /** Callbacks running now, per session: more than one is an overlap (sessions may run side by side). */
    private final java.util.Map<WebSocket, AtomicInteger> inCallback = new java.util.concurrent.ConcurrentHashMap<>();

    /** An echo recording its callbacks; "throw" makes onMessage throw. */
    private final class Recorder implements MessageHandler {
        @Override
        public void onOpen(WebSocket ws) {
            enter(ws);
            try {
                events.add("open");
                opened.add(ws);
            } finally {
                leave(ws);
            }
        }

        @Override
        public void onMessage(WebSocket ws, Message msg) {
            enter(ws);
            try {
                String text = msg instanceof Message.Text t ? t.text() : "binary:" + ((Message.Binary) msg).bytes().length;
                events.add("msg:" + text);
                if (text.equals("throw")) {
                    throw new IllegalStateException("onMessage failed on purpose");
                }
                ws.send(msg);
            } finally {
                leave(ws);
            }
        }

        @Override
        public void onClose(WebSocket ws, CloseStatus status, String reason) {
            enter(ws);
            try {
                assertFalse(ws.isOpen());
                events.add("close:" + status.code() + ":" + reason);
                closed.complete(status.code() + ":" + reason);
            } finally {
                leave(ws);
            }
        }

        private void enter(WebSocket ws) {
            if (inCallback.computeIfAbsent(ws, k -> new AtomicInteger()).incrementAndGet() != 1) {
                events.add("overlap");
            }
        }

        private void leave(WebSocket ws) {
            inCallback.get(ws).decrementAndGet();
        }
    }

    private void start(WebSocketOptions.Builder options) throws IOException {
        server = new WebSocketServer(options.idleThreshold(Duration.ofMillis(50)).closeTimeout(Duration.ofSeconds(2)).build());
        server.webSocket("/cb", new Recorder());
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            Started.stopLeavingNothing(server, WAIT);
        }
        assertFalse(events.contains("overlap"), events::toString);
    }

    /** Waits until the one session is open and parked: no thread serves it. */
    private void awaitParked() {
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 1 && server.openConnections() == 1
                && server.activeConnections() == 0), () -> "not parked: " + server.activeConnections() + " threads");
    }

    private void awaitGone() {
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 0 && server.openConnections() == 0
                && server.activeConnections() == 0), () -> "session left: " + server.sessionCount());
    }

    @Test
    void callbacksRunInOrderAndTheSessionParksAndResumesBetweenMessages() throws Exception {
        start(WebSocketOptions.builder());
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            for (int i = 0; i < 3; i++) {
                peer.expectEcho("m" + i);
                awaitParked();
            }
            peer.sendClose(1000, "bye");
            peer.expectCloseThenEnd(1000);
        }
        assertEquals("1000:bye", closed.get(20, TimeUnit.SECONDS));
        awaitGone();
        assertEquals(List.of("open", "msg:m0", "msg:m1", "msg:m2", "close:1000:bye"), events);
    }

    @Test
    void aFragmentedMessageStartingAfterTheIdlePointIsAssembledWhole() throws Exception {
        start(WebSocketOptions.builder());
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            awaitParked();
            peer.sendFrame(false, RawPeer.TEXT, RawPeer.utf8("frag"));
            peer.sendFrame(true, RawPeer.PING, RawPeer.utf8("between"));
            RawPeer.Frame pong = peer.readFrame();
            assertEquals(RawPeer.PONG, pong.opcode());
            assertEquals("between", pong.text());
            peer.sendFrame(false, RawPeer.CONTINUATION, RawPeer.utf8("ment"));
            peer.sendFrame(true, RawPeer.CONTINUATION, RawPeer.utf8("ed"));
            assertEquals("fragmented", peer.readFrame().text());
            awaitParked();
            // a frame header split across two TCP pieces, the first arriving at a boundary
            byte[] frame = RawPeer.frame(true, 0, RawPeer.TEXT, RawPeer.utf8("split"), true);
            peer.write(java.util.Arrays.copyOf(frame, 1));
            peer.write(java.util.Arrays.copyOfRange(frame, 1, frame.length));
            assertEquals("split", peer.readFrame().text());
        }
    }

    @Test
    void aPingWhileParkedIsAnsweredAndTheSessionParksAgain() throws Exception {
        start(WebSocketOptions.builder());
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            for (int i = 0; i < 3; i++) {
                awaitParked();
                peer.sendFrame(true, RawPeer.PING, RawPeer.utf8("p" + i));
                RawPeer.Frame pong = peer.readFrame();
                assertEquals(RawPeer.PONG, pong.opcode());
                assertEquals("p" + i, pong.text());
            }
            awaitParked(); // a control frame at a boundary leaves it at the boundary
            peer.expectEcho("after pings");
        }
    }

    @Test
    void theEndOfTheStreamWhileParkedEndsTheSession() throws Exception {
        start(WebSocketOptions.builder());
        RawPeer peer = RawPeer.upgrade(port, "/cb");
        awaitParked();
        peer.close();
        assertEquals("1006:", closed.get(20, TimeUnit.SECONDS));
        awaitGone();
    }

    @Test
    void aResetWhileParkedEndsTheSession() throws Exception {
        start(WebSocketOptions.builder());
        RawPeer peer = RawPeer.upgrade(port, "/cb");
        awaitParked();
        peer.reset();
        assertEquals("1006:", closed.get(20, TimeUnit.SECONDS));
        awaitGone();
    }

    @Test
    void sendsFromOtherThreadsReachAParkedSessionAndASlowReaderMakesThemWaitNotSpin() throws Exception {
        start(WebSocketOptions.builder());
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            WebSocket ws = opened.poll(20, TimeUnit.SECONDS);
            awaitParked();
            assertTrue(ws.send("from elsewhere"));
            assertEquals("from elsewhere", peer.readFrame().text());
            byte[] big = new byte[8 * 1024 * 1024]; // far beyond the socket buffers: the writes go partial
            new Random(3).nextBytes(big);
            CompletableFuture<Boolean> sent = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> sent.complete(ws.send(big)));
            ByteBuffer got = ByteBuffer.allocate(big.length);
            while (got.hasRemaining()) {
                RawPeer.Frame frame = peer.readFrame(); // the peer reads only now
                got.put(frame.payload());
            }
            assertTrue(sent.get(20, TimeUnit.SECONDS));
            assertArrayEquals(big, got.array());
            awaitParked();
            peer.expectEcho("still fine");
        }
    }

    @Test
    void heartbeatsAndTheReadTimeoutReachParkedSessions() throws Exception {
        start(WebSocketOptions.builder().pingInterval(Duration.ofMillis(100)).readTimeout(Duration.ofMillis(1500)));
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            awaitParked();
            RawPeer.Frame ping = peer.readFrame();
            assertEquals(RawPeer.PING, ping.opcode(), ping.toString());
            RawPeer.Frame frame;
            do {
                frame = peer.readFrame(); // more pings (unanswered) until the read timeout closes it
            } while (frame.opcode() == RawPeer.PING);
            assertEquals(RawPeer.CLOSE, frame.opcode(), frame.toString());
            assertEquals(1001, frame.closeCode());
            assertEquals("read timeout", frame.closeReason());
            peer.sendClose(1001, "");
            peer.expectEnd();
        }
        assertEquals("1001:", closed.get(20, TimeUnit.SECONDS));
        awaitGone();
    }

    @Test
    void aParkedSessionWhosePeerNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        start(WebSocketOptions.builder());
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            WebSocket ws = opened.poll(20, TimeUnit.SECONDS);
            awaitParked();
            Thread.ofVirtual().start(() -> ws.close(CloseStatus.of(4000), "done"));
            RawPeer.Frame frame = peer.readFrame();
            assertEquals(4000, frame.closeCode());
            peer.expectEnd(); // no answer from us: the close timeout (2 s) drops the connection
        }
        assertEquals("4000:done", closed.get(20, TimeUnit.SECONDS));
        awaitGone();
    }

    @Test
    void stopClosesParkedSessionsWith1001AndWaitsForTheirHandshakes() throws Exception {
        start(WebSocketOptions.builder());
        RawPeer[] peers = new RawPeer[3];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = RawPeer.upgrade(port, "/cb");
        }
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 3 && server.activeConnections() == 0));
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop, r -> Thread.ofVirtual().start(r));
        for (RawPeer peer : peers) {
            RawPeer.Frame frame = peer.readFrame();
            assertEquals(1001, frame.closeCode(), frame.toString());
            peer.sendClose(1001, "");
            peer.expectEnd();
            peer.close();
        }
        stopped.get(20, TimeUnit.SECONDS);
        assertEquals(0, server.sessionCount());
        assertEquals(0, server.openConnections());
    }

    @Test
    void aThrowingCallbackClosesWith1011AndOnCloseStillRuns() throws Exception {
        start(WebSocketOptions.builder());
        try (LogCapture log = LogCapture.of(io.switchboard.websocket.internal.MessageLoop.class);
                RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            awaitParked();
            peer.sendText("throw");
            RawPeer.Frame frame = peer.readFrame();
            assertEquals(1011, frame.closeCode(), frame.toString());
            peer.sendClose(1011, "");
            peer.expectEnd();
            assertEquals("1011:", closed.get(20, TimeUnit.SECONDS));
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("handler for /cb failed")), log.lines()::toString);
        }
        awaitGone();
    }

    @Test
    void aTopicReachesParkedSubscribers() throws Exception {
        start(WebSocketOptions.builder());
        RawPeer[] peers = {RawPeer.upgrade(port, "/cb"), RawPeer.upgrade(port, "/cb")};
        try {
            for (int i = 0; i < peers.length; i++) {
                assertTrue(server.topics().subscribe("parked-" + port, opened.poll(20, TimeUnit.SECONDS)));
            }
            assertTrue(Await.until(WAIT, () -> server.sessionCount() == 2 && server.activeConnections() == 0));
            assertEquals(2, server.topics().publish("parked-" + port, "to all"));
            for (RawPeer peer : peers) {
                assertEquals("to all", peer.readFrame().text());
            }
        } finally {
            for (RawPeer peer : peers) {
                peer.close();
            }
        }
        awaitGoneAll();
    }

    @Test
    void aThrowingOnOpenClosesWith1011() throws Exception {
        server = new WebSocketServer(WebSocketOptions.builder().idleThreshold(Duration.ofMillis(50)).build());
        server.webSocket("/open-throws", new MessageHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                throw new IllegalStateException("onOpen failed on purpose");
            }

            @Override
            public void onMessage(WebSocket ws, Message msg) {
                events.add("unexpected message");
            }

            @Override
            public void onClose(WebSocket ws, CloseStatus status, String reason) {
                closed.complete(status.code() + ":" + reason);
            }
        });
        port = server.start("127.0.0.1", 0);
        try (LogCapture log = LogCapture.of(io.switchboard.websocket.internal.MessageLoop.class);
                RawPeer peer = RawPeer.upgrade(port, "/open-throws")) {
            RawPeer.Frame frame = peer.readFrame();
            assertEquals(1011, frame.closeCode(), frame.toString());
            peer.sendClose(1011, "");
            peer.expectEnd();
            assertEquals("1011:", closed.get(20, TimeUnit.SECONDS));
        }
        assertFalse(events.contains("unexpected message"));
    }

    @Test
    void parkedSessionsEndingEveryWayLeaveNoDescriptorBehind() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        start(WebSocketOptions.builder());
        RawPeer warm = RawPeer.upgrade(port, "/cb"); // the selector and its thread exist from here on
        awaitParked();
        long before = openDescriptors(fds);
        RawPeer[] peers = new RawPeer[12];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = RawPeer.upgrade(port, "/cb");
        }
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 13 && server.activeConnections() == 0));
        for (int i = 0; i < peers.length; i++) {
            switch (i % 3) {
                case 0 -> peers[i].close(); // FIN
                case 1 -> peers[i].reset(); // RST
                default -> {
                    peers[i].sendClose(1000, "");
                    peers[i].expectCloseThenEnd(1000);
                    peers[i].close();
                }
            }
        }
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 1 && server.openConnections() == 1));
        assertTrue(Await.until(WAIT, () -> openDescriptors(fds) <= before),
                () -> "descriptors: " + before + " before, " + openDescriptors(fds) + " after");
        warm.close();
    }

    private static long openDescriptors(Path fds) {
        try (var list = Files.list(fds)) {
            return list.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitGoneAll() {
        assertTrue(Await.until(WAIT, () -> server.sessionCount() == 0 && server.openConnections() == 0
                && server.activeConnections() == 0), () -> "sessions left: " + server.sessionCount());
    }

    @Test
    void aSessionQuietAfterABurstParksAfterItsNextFrame() throws Exception {
        start(WebSocketOptions.builder().expressThreads(0)); // the virtual thread's burst rule, not the lane
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            // Round trips back to back: the waits at the boundary are short, so they go untimed
            // (no timer per wait) and the session keeps its thread while it stays quiet ...
            for (int i = 0; i < 200; i++) {
                peer.expectEcho("b" + i);
            }
            // ... until its next frame after a pause, here a ping (else the heartbeat's pong):
            // the wait after a long one is timed again, and the session parks. (The pause is a
            // bounded wait for parking that, in a burst, does not happen.)
            Await.until(Duration.ofMillis(200), () -> server.activeConnections() == 0);
            peer.sendFrame(true, RawPeer.PING, RawPeer.utf8("wake"));
            assertEquals("wake", peer.readFrame().text());
            awaitParked();
            peer.expectEcho("after");
            awaitParked();
        }
    }

    @Test
    void aZeroIdleThresholdKeepsTheThread() throws Exception {
        server = new WebSocketServer(WebSocketOptions.builder().idleThreshold(Duration.ZERO).build());
        server.webSocket("/cb", new Recorder());
        port = server.start("127.0.0.1", 0);
        try (RawPeer peer = RawPeer.upgrade(port, "/cb")) {
            peer.expectEcho("a");
            assertEquals(1, server.activeConnections());
            peer.expectEcho("b");
        }
    }

    @Test
    void callbacksWorkOverUnixSocketsWhereNothingCanPark() throws Exception {
        Path dir = Files.createTempDirectory("sb-cb");
        Path socket = dir.resolve("cb.sock");
        server = new WebSocketServer(WebSocketOptions.builder().idleThreshold(Duration.ofMillis(50)).build());
        server.webSocket("/cb", new Recorder());
        server.start(socket);
        try {
            WebSocketClient client = new WebSocketClient("ws://localhost/cb", io.switchboard.api.Headers.empty(),
                    WebSocketOptions.builder().unixSocket(socket).build());
            assertTrue(client.connect().isConnected());
            client.send("over unix");
            assertEquals("over unix", ((Message.Text) client.read()).text());
            client.close();
            assertEquals("1000:", closed.get(20, TimeUnit.SECONDS));
        } finally {
            server.stop();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void theJdkClientTalksToAParkingSession() throws Exception {
        start(WebSocketOptions.builder());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
        java.net.http.WebSocket jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/cb"), listener).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            jdk.sendText("jdk" + i, true).get(20, TimeUnit.SECONDS);
            assertEquals("jdk" + i, received.poll(20, TimeUnit.SECONDS));
            awaitParked();
        }
        jdk.sendClose(1000, "").get(20, TimeUnit.SECONDS);
        assertEquals("1000:", closed.get(20, TimeUnit.SECONDS));
    }
}
