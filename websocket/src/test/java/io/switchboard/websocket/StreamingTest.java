package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.TEXT;
import static io.switchboard.websocket.RawPeer.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.MessageStream;
import io.switchboard.api.WebSocketHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages read and written as streams: any size in flat memory, limits of their own. */
@Timeout(120)
class StreamingTest {

    /** Echoes every message as a stream, whatever its size. */
    static final WebSocketHandler STREAM_ECHO = (request, ws) -> {
        MessageStream next;
        while ((next = ws.readStream()) != null) {
            try (MessageStream in = next) {
                if (in.isText()) {
                    try (Writer out = ws.sendTextStream(); Reader text = in.text()) {
                        text.transferTo(out);
                    }
                } else {
                    try (OutputStream out = ws.sendStream()) {
                        in.bytes().transferTo(out);
                    }
                }
            } catch (IOException e) {
                return; // the connection ended inside a message
            }
        }
    };

    private final Started started = new Started();

    @AfterEach
    void cleanUp() {
        started.close();
    }

    private int server(WebSocketOptions options, WebSocketHandler handler) throws Exception {
        return started.server(new WebSocketServer(options).webSocket("/s", handler)).start("127.0.0.1", 0);
    }

    private WebSocketClient client(int port, WebSocketOptions options) {
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/s",
                io.switchboard.api.Headers.empty(), options));
        assertTrue(client.connect().isConnected());
        return client;
    }

    @Test
    void aMessageFarLargerThanTheBufferedLimitStreamsThroughTheEcho() throws Exception {
        WebSocketOptions small = WebSocketOptions.builder().maxMessageSize(64 * 1024).build();
        int port = server(small, STREAM_ECHO);
        WebSocketClient client = client(port, small);
        long size = 64L * 1024 * 1024; // 1024 times the buffered limit
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (MessageStream in = client.readStream()) {
                echoed.complete(digest(in.bytes()));
            } catch (Throwable e) {
                echoed.completeExceptionally(e);
            }
        });
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[100_000];
        try (OutputStream out = client.sendStream()) {
            for (long written = 0; written < size; written += block.length) {
                int n = (int) Math.min(block.length, size - written);
                block[0] = (byte) written;
                out.write(block, 0, n);
                sent.update(block, 0, n);
            }
        }
        assertArrayEquals(sent.digest(), echoed.get(60, TimeUnit.SECONDS), "the same bytes came back");
        assertTrue(client.send("still usable"));
        assertEquals(Message.text("still usable"), client.read());
    }

    @Test
    void textStreamsAreCheckedAsUtf8AndDecoded() throws Exception {
        int port = server(WebSocketOptions.defaults(), STREAM_ECHO);
        WebSocketClient client = client(port, WebSocketOptions.builder().fragmentSize(7).build());
        String text = "grüße, 世界! ".repeat(1000);
        try (Writer out = client.sendTextStream()) {
            out.write(text);
        }
        assertEquals(Message.text(text), client.read(), "fragments of 7 bytes split UTF-8 sequences, reassembled");
    }

    @Test
    void streamedMessagesHaveTheirOwnLimit() throws Exception {
        int port = server(WebSocketOptions.builder().maxStreamedMessageSize(1000).build(), STREAM_ECHO);
        try (RawPeer peer = RawPeer.upgrade(port, "/s")) {
            peer.write(frame(false, 0, BINARY, new byte[600], true));
            peer.write(frame(true, 0, CONTINUATION, new byte[600], true));
            RawPeer.Frame f;
            while ((f = peer.readFrame()).opcode() != RawPeer.CLOSE) {
                // fragments of the echo may come first
            }
            assertEquals(1009, f.closeCode(), f.closeReason());
        }
    }

    @Test
    void aCloseFrameInsideAStreamedMessageEndsItWithAnErrorNotAQuietEnd() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        int port = server(WebSocketOptions.defaults(), (request, ws) -> {
            MessageStream in = ws.readStream();
            try {
                in.bytes().readAllBytes();
                seen.complete(null);
            } catch (IOException e) {
                seen.complete(e);
            }
            assertNull(ws.readStream());
        });
        try (RawPeer peer = RawPeer.upgrade(port, "/s")) {
            peer.write(frame(false, 0, TEXT, RawPeer.utf8("part"), true));
            peer.sendClose(1001, "leaving");
            peer.expectCloseThenEnd(1001);
        }
        assertTrue(seen.get(10, TimeUnit.SECONDS) instanceof IOException, "a cut message is an error");
    }

    @Test
    void closingAStreamSkipsTheRestAndTheNextReadGetsTheNextMessage() throws Exception {
        int port = server(WebSocketOptions.defaults(), (request, ws) -> {
            try (MessageStream first = ws.readStream()) {
                assertEquals('a', first.bytes().read());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            Message second = ws.read();
            ws.send("second was " + ((Message.Text) second).text());
        });
        WebSocketClient client = client(port, WebSocketOptions.builder().fragmentSize(10).build());
        assertTrue(client.send("a".repeat(1000)));
        assertTrue(client.send("b"));
        assertEquals(Message.text("second was b"), client.read());
    }

    @Test
    void aBinaryStreamHasNoText() throws Exception {
        int port = server(WebSocketOptions.defaults(), (request, ws) -> {
            try (MessageStream in = ws.readStream()) {
                assertFalse(in.isText());
                assertThrows(IllegalStateException.class, in::text);
                ws.send(in.bytes().readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        WebSocketClient client = client(port, WebSocketOptions.defaults());
        assertTrue(client.send(new byte[] {1, 2, 3}));
        assertEquals(Message.binary(new byte[] {1, 2, 3}), client.read());
    }

    private static byte[] digest(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            d.update(buffer, 0, n);
        }
        return d.digest();
    }
}
