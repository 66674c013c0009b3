package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.MessageHandler;
import io.switchboard.api.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The express lane: a callback session in a back-to-back exchange of small messages moves to a
 * platform thread and back to a virtual thread when it pauses, sends a large message or turns
 * pipelined; the lane never holds more sessions than its threads; stop and a vanished peer end
 * an express session like any other. The handler records which thread served each message.
 */
@Timeout(60)
class ExpressLaneTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Round trips tried before giving up on a session reaching the lane (16 short ones in a row do). */
    private static final int MAX_TRIES = 2000;

    private WebSocketServer server;
    private int port;
    /** The thread that ran onMessage, by message text. */
    private final Map<String, Thread> servedBy = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    /** The most express threads seen busy at once from inside onMessage. */
    private volatile int mostBusy;

    private final class Echo implements MessageHandler {
        @Override
        public void onMessage(WebSocket ws, Message msg) {
            String key = msg instanceof Message.Text t ? t.text() : "binary:" + msg.length();
            servedBy.put(key, Thread.currentThread());
            mostBusy = Math.max(mostBusy, server.expressThreadsBusy());
            ws.send(msg);
        }

        @Override
        public void onClose(WebSocket ws, CloseStatus status, String reason) {
            closed.complete(status.code() + ":" + reason);
        }
    }

    private void start(int expressThreads) throws IOException {
        server = new WebSocketServer(WebSocketOptions.builder().expressThreads(expressThreads)
                .closeTimeout(Duration.ofSeconds(2)).build());
        server.webSocket("/x", new Echo());
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            Started.stopLeavingNothing(server, WAIT);
        }
    }

    private static boolean express(Thread t) {
        return t != null && !t.isVirtual() && t.getName().startsWith("switchboard-express-");
    }

    /** Round trips back to back until one is served on an express thread; returns the text of that one. */
    private String exchangeUntilExpress(RawPeer peer, String prefix) throws IOException {
        for (int i = 0; i < MAX_TRIES; i++) {
            String text = prefix + i;
            peer.expectEcho(text);
            if (express(servedBy.get(text))) {
                return text;
            }
        }
        throw new AssertionError("no round trip of " + MAX_TRIES + " reached the express lane");
    }

    @Test
    void anExchangeMovesToAnExpressThreadAndBackToAVirtualOneWhenItPauses() throws Exception {
        start(1);
        try (RawPeer peer = RawPeer.upgrade(port, "/x")) {
            String first = exchangeUntilExpress(peer, "a");
            assertTrue(servedBy.get("a0").isVirtual(), "the session starts on its virtual thread");
            for (int i = 0; i < 50; i++) {
                peer.expectEcho("e" + i); // every message arrives, in order, on the lane
            }
            assertTrue(express(servedBy.get("e49")), () -> "after " + first + ": " + servedBy.get("e49"));
            // A pause longer than the lane's linger (10 ms): the session leaves its express thread.
            assertTrue(Await.until(WAIT, () -> server.expressThreadsBusy() == 0));
            peer.expectEcho("after the pause");
            assertTrue(servedBy.get("after the pause").isVirtual(), () -> servedBy.get("after the pause").toString());
            exchangeUntilExpress(peer, "b"); // and comes back in its next exchange
        }
        assertEquals(1, mostBusy);
    }

    @Test
    void aLargeMessageSendsTheSessionBackToAVirtualThread() throws Exception {
        start(1);
        try (RawPeer peer = RawPeer.upgrade(port, "/x")) {
            exchangeUntilExpress(peer, "a");
            byte[] large = new byte[10_000];
            peer.sendFrame(true, RawPeer.BINARY, large);
            assertEquals(large.length, peer.readFrame().payload().length);
            peer.expectEcho("next");
            assertTrue(servedBy.get("next").isVirtual(), () -> servedBy.get("next").toString());
        }
    }

    @Test
    void pipelinedMessagesStayOnVirtualThreads() throws Exception {
        start(1);
        try (RawPeer peer = RawPeer.upgrade(port, "/x")) {
            for (int batch = 0; batch < 50; batch++) {
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                for (int i = 0; i < 20; i++) {
                    frames.write(RawPeer.frame(true, 0, RawPeer.TEXT, RawPeer.utf8("p" + batch + "." + i), true));
                }
                peer.write(frames.toByteArray()); // 20 messages in one write: each is buffered before it is read
                for (int i = 0; i < 20; i++) {
                    assertEquals("p" + batch + "." + i, peer.readFrame().text());
                }
            }
        }
        servedBy.forEach((text, thread) -> assertTrue(thread.isVirtual(), () -> text + " on " + thread));
        assertEquals(1000, servedBy.size());
    }

    @Test
    void withoutExpressThreadsEverySessionStaysVirtual() throws Exception {
        start(0);
        try (RawPeer peer = RawPeer.upgrade(port, "/x")) {
            for (int i = 0; i < 300; i++) {
                peer.expectEcho("v" + i);
            }
        }
        servedBy.forEach((text, thread) -> assertTrue(thread.isVirtual(), () -> text + " on " + thread));
        assertEquals(0, mostBusy);
    }

    @Test
    void theLaneHoldsNoMoreSessionsThanItHasThreads() throws Exception {
        start(1);
        try (RawPeer a = RawPeer.upgrade(port, "/x"); RawPeer b = RawPeer.upgrade(port, "/x")) {
            boolean aExpress = false;
            boolean bExpress = false;
            for (int i = 0; i < MAX_TRIES && !(aExpress || bExpress) || i < 300; i++) {
                a.expectEcho("a" + i);
                b.expectEcho("b" + i);
                aExpress |= express(servedBy.get("a" + i));
                bExpress |= express(servedBy.get("b" + i));
            }
            assertTrue(aExpress || bExpress, "one of two exchanges reached the lane");
        }
        assertEquals(1, mostBusy);
    }

    @Test
    void stopClosesAnExpressSessionWith1001() throws Exception {
        start(1);
        try (RawPeer peer = RawPeer.upgrade(port, "/x")) {
            exchangeUntilExpress(peer, "a");
            Thread stopper = Thread.ofVirtual().start(server::stop);
            RawPeer.Frame close = peer.readFrame();
            assertEquals(RawPeer.CLOSE, close.opcode());
            assertEquals(1001, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            peer.sendClose(1001, "");
            stopper.join(WAIT);
            assertFalse(stopper.isAlive());
            assertEquals("1001:", closed.get(20, TimeUnit.SECONDS)); // the peer's answer: 1001, no reason
        }
    }

    @Test
    void aPeerVanishingOnTheLaneEndsItsSession() throws Exception {
        start(1);
        RawPeer peer = RawPeer.upgrade(port, "/x");
        exchangeUntilExpress(peer, "a");
        peer.reset();
        assertEquals("1006:", closed.get(20, TimeUnit.SECONDS));
        assertTrue(Await.until(WAIT, () -> server.openConnections() == 0 && server.expressThreadsBusy() == 0));
    }
}
