package io.switchboard.websocket;

import static io.switchboard.websocket.Started.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.WebSocketOptions.SlowPeerPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats, timeouts and the outbound budget, each against a peer that misbehaves in one way. */
@Timeout(30)
class LifecycleTest {

    private final List<WebSocketServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(WebSocketServer::stop);
    }

    private int serve(WebSocketOptions options, WebSocketHandler handler) throws IOException {
        WebSocketServer server = new WebSocketServer(options);
        server.webSocket("/ws", handler);
        servers.add(server);
        return server.start("127.0.0.1", 0);
    }

    /** No heartbeats, a short close timeout, and every message in one frame (these tests read frames; ProtocolDepthTest covers fragments). */
    private static WebSocketOptions.Builder quiet() {
        return WebSocketOptions.builder().pingInterval(Duration.ZERO).closeTimeout(Duration.ofMillis(500))
                .fragmentSize(Integer.MAX_VALUE);
    }

    @Test
    void serverClosesWith1001PongTimeoutWhenPingsGoUnanswered() throws Exception {
        int port = serve(quiet().pingInterval(Duration.ofMillis(100)).maxMissedPongs(2).build(), ECHO);
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertEquals(1001, peer.readUntilClose());
            assertEquals("pong timeout", peer.closeReason);
            assertEquals(List.of("ping", "ping"), peer.controlFrames, "two unanswered pings, then the close");
        }
    }

    @Test
    void heartbeatsKeepAnAnsweringPeerOpenAndMeasureTheRoundTrip() throws Exception {
        int port = serve(quiet().build(), ECHO);
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws", io.switchboard.api.Headers.empty(),
                quiet().pingInterval(Duration.ofMillis(50)).maxMissedPongs(4).build());
        assertTrue(client.connect().isConnected());
        Thread reader = Thread.ofVirtual().start(() -> {
            while (client.read() != null) {
                // pongs are consumed inside read()
            }
        });
        assertTrue(Await.until(Duration.ofSeconds(10), () -> client.roundTripTime().isPresent()),
                "a pong answered a heartbeat ping");
        // Many ping intervals later the connection is still open: the pings were answered (a
        // peer that did not answer would be closed after four intervals, as a test below shows).
        assertFalse(Await.until(Duration.ofMillis(800), () -> !client.isOpen()), "closed: " + client.closeReason());
        for (int i = 0; i < 20; i++) {
            assertTrue(client.send("still here " + i));
        }
        assertTrue(client.isOpen());
        client.close();
        reader.join(Duration.ofSeconds(5));
        assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
    }

    @Test
    void aPongSlowerThanThePingIntervalIsTimedFromThePingItAnswers() throws Exception {
        AtomicReference<io.switchboard.api.WebSocket> session = new AtomicReference<>();
        int port = serve(quiet().pingInterval(Duration.ofMillis(50)).build(), (request, ws) -> {
            session.set(ws);
            ECHO.handle(request, ws);
        });
        try (RawPeer peer = RawPeer.upgrade(port, "/ws")) {
            // The peer answers the first ping only after three newer pings came: slower than the
            // ping interval, counted in pings rather than waited out on a clock.
            List<RawPeer.Frame> pings = new ArrayList<>();
            long firstPingReceived = 0;
            while (pings.size() < 4) {
                RawPeer.Frame frame = peer.readFrame();
                assertEquals(RawPeer.PING, frame.opcode(), frame.toString());
                firstPingReceived = pings.isEmpty() ? System.nanoTime() : firstPingReceived;
                pings.add(frame);
            }
            long pongSent = System.nanoTime();
            peer.sendFrame(true, RawPeer.PONG, pings.get(0).payload()); // answers the first ping
            assertTrue(Await.until(Duration.ofSeconds(5), () -> session.get().roundTripTime().isPresent()));
            Duration rtt = session.get().roundTripTime().orElseThrow();
            // Not a timing assertion but cause and effect, true however slow the machine: the first
            // ping left the server before the peer got it, and the pong reached the server after the
            // peer sent it. Timed from the newest ping instead, the round trip would be far shorter.
            Duration atLeast = Duration.ofNanos(pongSent - firstPingReceived);
            assertTrue(rtt.compareTo(atLeast) >= 0,
                    "timed from the first ping: at least the " + atLeast + " the peer held its pong, measured " + rtt);
        }
    }

    @Test
    void aPingWhileASendIsStuckDoesNotStopTheReader() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        int port = serve(quiet().writeTimeout(Duration.ofSeconds(20)).build(), (request, ws) -> {
            Thread.ofVirtual().start(() -> {
                sending.countDown();
                ws.send(new byte[32 * 1024 * 1024]); // far more than the socket buffers hold
            });
            Message msg;
            while ((msg = ws.read()) != null) {
                received.add(msg);
            }
        });
        try (RawPeer peer = RawPeer.upgrade(port, "/ws")) {
            assertTrue(sending.await(10, TimeUnit.SECONDS));
            assertEquals(0x82, peer.readBytes(1)[0] & 0xFF, "the big message is being written"); // then stop reading
            // A peer like this one may itself block writing until we read: the reader must go on.
            peer.sendFrame(true, RawPeer.PING, RawPeer.utf8("are you there"));
            peer.sendText("still reading?");
            assertEquals(Message.text("still reading?"), received.poll(5, TimeUnit.SECONDS),
                    "the message after the ping was read while the pong waited behind the stuck send");
            peer.readBytes(1 + 8 + 32 * 1024 * 1024); // the rest of the big message: 127, 8 length bytes, payload
            RawPeer.Frame pong = peer.readFrame();
            assertEquals(RawPeer.PONG, pong.opcode(), pong.toString());
            assertEquals("are you there", pong.text());
        }
    }

    @Test
    void clientClosesWith1001WhenTheServerNeverAnswersPings() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerUpgradeThenIgnore(fake));
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + fake.getLocalPort() + "/ws",
                    io.switchboard.api.Headers.empty(),
                    quiet().pingInterval(Duration.ofMillis(50)).maxMissedPongs(2).build());
            assertTrue(client.connect().isConnected());
            assertNull(client.read(), "read ends when the heartbeat gives up");
            assertEquals(CloseStatus.GOING_AWAY, client.closeStatus().orElseThrow());
            assertEquals("pong timeout", client.closeReason().orElseThrow());
        }
    }

    /** A fake server: answers the upgrade correctly, then neither reads nor writes. */
    private static void answerUpgradeThenIgnore(ServerSocket fake) {
        try (Socket s = fake.accept()) {
            byte[] buf = new byte[4096];
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("\r\n\r\n")) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return;
                }
                head.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .findFirst().orElseThrow().substring(18).strip();
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + io.switchboard.websocket.internal.WebSocketProtocol.acceptKey(key)
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.setSoTimeout(15_000);
            while (s.getInputStream().read(buf) >= 0) {
                // swallow everything, answer nothing
            }
        } catch (IOException ignored) {
            // the test is over
        }
    }

    @Test
    void silentPeerIsClosedWith1001AfterTheReadTimeout() throws Exception {
        int port = serve(quiet().readTimeout(Duration.ofMillis(200)).build(), ECHO);
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertEquals(1001, peer.readUntilClose());
            assertEquals("read timeout", peer.closeReason);
        }
    }

    @Test
    void closeDoesNotHangWhenThePeerNeverAnswersTheCloseFrame() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerUpgradeThenIgnore(fake));
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + fake.getLocalPort() + "/ws",
                    io.switchboard.api.Headers.empty(), quiet().closeTimeout(Duration.ofMillis(200)).build());
            assertTrue(client.connect().isConnected());
            client.close(CloseStatus.NORMAL, "bye"); // returns once the close timeout has passed
            assertFalse(client.isOpen());
            assertNull(client.read());
            assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow(), "the status we sent");
        }
    }

    @Test
    void sendToAPeerThatStopsReadingFailsAfterTheWriteTimeout() throws Exception {
        AtomicReference<String> result = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        int port = serve(quiet().writeTimeout(Duration.ofMillis(200)).build(), (request, ws) -> {
            byte[] chunk = new byte[1024 * 1024];
            int sent = 0;
            while (sent < 512 && ws.send(chunk)) { // far more than any socket buffer holds
                sent++;
            }
            result.set(sent + " " + ws.closeStatus().map(CloseStatus::code).orElse(0) + " " + ws.closeReason().orElse(""));
            done.countDown();
        });
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertTrue(done.await(20, TimeUnit.SECONDS), "the blocked send gave up");
            String[] parts = result.get().split(" ", 3);
            assertTrue(Integer.parseInt(parts[0]) < 512, "a send failed: " + result.get());
            assertEquals("1001", parts[1]);
            assertTrue(parts[2].startsWith("write timeout"), parts[2]);
        }
    }

    @Test
    void slowPeerOverBudgetIsClosedWith1008UnderTheClosePolicy() throws Exception {
        CountDownLatch done = new CountDownLatch(4);
        AtomicReference<CloseStatus> status = new AtomicReference<>();
        int port = serve(quiet().writeTimeout(Duration.ofSeconds(20)).outboundBudget(256 * 1024)
                .slowPeerPolicy(SlowPeerPolicy.CLOSE).build(), (request, ws) -> {
                    List<Thread> senders = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        senders.add(Thread.ofVirtual().start(() -> {
                            byte[] chunk = new byte[128 * 1024];
                            for (int i = 0; i < 1000 && ws.send(chunk); i++) {
                                // a broadcast to a peer that never reads
                            }
                            done.countDown();
                        }));
                    }
                    for (Thread s : senders) {
                        s.join(Duration.ofSeconds(25));
                    }
                    status.set(ws.closeStatus().orElse(null));
                });
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertTrue(done.await(25, TimeUnit.SECONDS), "every sender stopped instead of piling up");
            Await.until(Duration.ofSeconds(10), () -> status.get() != null);
            assertEquals(CloseStatus.POLICY_VIOLATION, status.get());
        }
    }

    @Test
    void blockedSendersUnderTheBlockPolicyGiveUpAtTheWriteTimeout() throws Exception {
        CountDownLatch done = new CountDownLatch(4);
        int port = serve(quiet().writeTimeout(Duration.ofMillis(300)).outboundBudget(256 * 1024).build(),
                (request, ws) -> {
                    for (int t = 0; t < 4; t++) {
                        Thread.ofVirtual().start(() -> {
                            byte[] chunk = new byte[128 * 1024];
                            for (int i = 0; i < 1000 && ws.send(chunk); i++) {
                                // a broadcast to a peer that never reads
                            }
                            done.countDown();
                        });
                    }
                    assertTrue(done.await(25, TimeUnit.SECONDS));
                });
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertTrue(done.await(25, TimeUnit.SECONDS), "blocked senders returned false instead of hanging");
        }
    }

    @Test
    void sendAfterCloseReturnsFalseAndWritesNothing() throws Exception {
        int port = serve(quiet().build(), ECHO);
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
        assertTrue(client.connect().isConnected());
        client.close();
        assertFalse(client.send("late"));
        assertFalse(client.send(new byte[] {1}));
        assertFalse(client.ping(new byte[0]));
        assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
    }

    @Test
    void aClientThatNeverFinishesItsHandshakeIsDropped() throws Exception {
        int port = serve(quiet().handshakeTimeout(Duration.ofMillis(300)).build(), ECHO);
        try (RawClient peer = RawClient.connect(port)) {
            peer.sendRaw("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            assertTrue(peer.endOfStream(), "the server closed the connection");
        }
    }

    @Test
    void aClientDribblingItsHandshakeIsDroppedToo() throws Exception {
        int port = serve(quiet().handshakeTimeout(Duration.ofMillis(300)).build(), ECHO);
        try (RawClient peer = RawClient.connect(port)) {
            AtomicBoolean dribbleEnded = new AtomicBoolean();
            peer.sendRaw("GET /ws HTTP/1.1\r\nX-Slow: ");
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        peer.sendRaw("X");
                        // The slow peer under test, not a wait: one byte every 20 ms keeps any
                        // per-read idle timeout from firing, while the whole dribble (4 s) outlasts
                        // the 300 ms handshake deadline many times over.
                        Thread.sleep(20);
                    }
                    dribbleEnded.set(true);
                } catch (IOException | InterruptedException e) {
                    // the server hung up: expected
                }
            });
            assertTrue(peer.endOfStream(), "the server closed the connection");
            // A server with only an idle timeout would hang up too, but only after the dribble ended.
            assertFalse(dribbleEnded.get(), "the server hung up only after the dribble ended");
            dribbler.interrupt();
            assertTrue(dribbler.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void stopDropsASessionWhoseCloseFrameIsStuckBehindABlockedSend() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        AtomicReference<Boolean> sent = new AtomicReference<>();
        WebSocketServer server = new WebSocketServer(quiet().closeTimeout(Duration.ofMillis(300))
                .writeTimeout(Duration.ofSeconds(25)).build());
        servers.add(server);
        server.webSocket("/ws", (request, ws) -> {
            sending.countDown();
            sent.set(ws.send(new byte[64 * 1024 * 1024])); // far more than the socket buffers hold
        });
        int port = server.start("127.0.0.1", 0);
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertTrue(sending.await(10, TimeUnit.SECONDS));
            assertEquals(0x82, peer.in.read(), "the big message is being written"); // then stop reading
            assertEquals(1, server.sessionCount());
            server.stop();
            assertTrue(Await.until(Duration.ofSeconds(5), () -> server.activeConnections() == 0),
                    "the connection outlived stop(), left to the write timeout");
            assertEquals(0, server.sessionCount());
            assertEquals(Boolean.FALSE, sent.get());
        }
    }

    @Test
    void stopDropsAConnectionStillInItsHandshake() throws Exception {
        WebSocketServer server = new WebSocketServer(quiet().handshakeTimeout(Duration.ofSeconds(25)).build());
        servers.add(server);
        server.webSocket("/ws", ECHO);
        int port = server.start("127.0.0.1", 0);
        try (RawClient peer = RawClient.connect(port)) {
            peer.sendRaw("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // and no more, for now
            assertTrue(Await.until(Duration.ofSeconds(10), () -> server.activeConnections() == 1));
            Thread stopper = Thread.ofVirtual().start(server::stop);
            assertTrue(stopper.join(Duration.ofSeconds(10)), "stop() returned");
            assertTrue(Await.until(Duration.ofSeconds(5), () -> server.activeConnections() == 0),
                    "the half-made connection outlived stop()");
            assertTrue(peer.endOfStream(), "the server closed the connection");
        }
    }

    /** Tasks waiting on the shared timer (deadlines, watchdogs). */
    private static int timerTasks() {
        try {
            var field = io.switchboard.websocket.internal.Timer.class.getDeclaredField("EXECUTOR");
            field.setAccessible(true);
            return ((java.util.concurrent.ScheduledThreadPoolExecutor) field.get(null)).getQueue().size();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sessionsClosedByAnotherThreadLeaveNoDeadlineOnTheTimer() throws Exception {
        int before = timerTasks();
        WebSocketServer server = new WebSocketServer(quiet().closeTimeout(Duration.ofSeconds(25)).build());
        servers.add(server);
        server.webSocket("/ws", ECHO);
        int port = server.start("127.0.0.1", 0);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws",
                    io.switchboard.api.Headers.empty(), quiet().build());
            assertTrue(client.connect().isConnected());
            readers.add(Thread.ofVirtual().start(() -> {
                while (client.read() != null) {
                    // answers the server's close frame
                }
            }));
        }
        assertTrue(Await.until(Duration.ofSeconds(10), () -> server.sessionCount() == 20));
        server.stop(); // closes each session from another thread while its handler is in read()
        for (Thread r : readers) {
            assertTrue(r.join(Duration.ofSeconds(10)));
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> timerTasks() <= before),
                "close deadlines of ended sessions left on the timer: " + timerTasks() + " tasks, " + before + " before");
    }

    @Test
    void theMessageBeingWrittenDoesNotCountAgainstTheOutboundBudget() throws Exception {
        int big = 8 * 1024 * 1024;
        CountDownLatch bigStarted = new CountDownLatch(1);
        CountDownLatch sendSmall = new CountDownLatch(1);
        AtomicReference<Thread> smallSender = new AtomicReference<>();
        AtomicReference<Boolean> smallSent = new AtomicReference<>();
        int port = serve(quiet().writeTimeout(Duration.ofSeconds(20)).outboundBudget(256 * 1024)
                .slowPeerPolicy(SlowPeerPolicy.CLOSE).build(), (request, ws) -> {
                    Thread bigSender = Thread.ofVirtual().start(() -> {
                        bigStarted.countDown();
                        ws.send(new byte[big]);
                    });
                    assertTrue(sendSmall.await(20, TimeUnit.SECONDS));
                    // 200 KiB waiting behind the message being written is within the 256 KiB budget.
                    smallSender.set(Thread.currentThread());
                    smallSent.set(ws.send(new byte[200 * 1024]));
                    bigSender.join(Duration.ofSeconds(20));
                    ws.read();
                });
        try (RawClient peer = RawClient.upgrade(port, "/ws")) {
            assertTrue(bigStarted.await(10, TimeUnit.SECONDS));
            assertEquals(0x82, peer.in.read(), "the big message is being written"); // then stop reading
            sendSmall.countDown();
            // The small send fails at once (over budget) or waits for its turn.
            assertTrue(Await.until(Duration.ofSeconds(10), () -> smallSent.get() != null
                    || smallSender.get() != null && smallSender.get().getState() == Thread.State.WAITING));
            assertNull(smallSent.get(), "the small send was refused");
            peer.in.skipNBytes(1 + 8 + big); // the rest of the big message: 127, 8 length bytes, payload
            assertEquals(0x82, peer.in.read(), "the small message follows");
        }
    }
}
