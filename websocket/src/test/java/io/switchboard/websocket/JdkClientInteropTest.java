package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our server against the JDK's own WebSocket client ({@code java.net.http}). */
@Timeout(30)
class JdkClientInteropTest {

    private static final long WAIT_SECONDS = 5;

    /** A close as the JDK listener's onClose saw it, or as our handler saw it. */
    private record Closing(int code, String reason) {
    }

    /** Collects whole messages (String or byte[]) and the close the JDK client received. */
    private static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Closing> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Closing(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + WAIT_SECONDS + " s; close: " + closed);
            }
            return m;
        }
    }

    private WebSocketServer server;
    private int port;
    private HttpClient http;
    private final CompletableFuture<Closing> serverSaw = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        server = new WebSocketServer(WebSocketOptions.builder().closeTimeout(Duration.ofMillis(500)).build());
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                if (msg instanceof Message.Text t && t.text().startsWith("close ")) {
                    ws.close(CloseStatus.of(Integer.parseInt(t.text().substring(6))), "server says bye");
                } else {
                    ws.send(msg);
                }
            }
            serverSaw.complete(new Closing(ws.closeStatus().orElseThrow().code(), ws.closeReason().orElse("")));
        });
        port = server.start("127.0.0.1", 0);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS)).build();
    }

    @AfterEach
    void stop() throws Exception {
        http.shutdownNow();
        http.awaitTermination(Duration.ofSeconds(WAIT_SECONDS));
        server.stop();
    }

    private WebSocket open(Recorder recorder) throws Exception {
        return http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo?client=jdk"), recorder)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void jdkClientGetsTextAndBinaryEchoed() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = open(recorder);
        ws.sendText("héllo from the JDK", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("héllo from the JDK", recorder.next());

        byte[] bytes = new byte[200_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        ws.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(bytes, (byte[]) recorder.next());

        // A message the JDK sends in two fragments arrives at our server as one.
        ws.sendText("part one, ", false).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ws.sendText("part two", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("part one, part two", recorder.next());

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(new Closing(1000, ""), recorder.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void jdkClientSeesCloseCodeAndReasonSentByOurServer() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = open(recorder);
        ws.sendText("close 4002", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(new Closing(4002, "server says bye"), recorder.closed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        // Our server reports the status of the peer's answering close frame: same code, the JDK's (empty) reason.
        assertEquals(new Closing(4002, ""), serverSaw.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void ourServerSeesCloseCodeAndReasonSentByJdkClient() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = open(recorder);
        ws.sendClose(4321, "jdk leaving").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(new Closing(4321, "jdk leaving"), serverSaw.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(new Closing(4321, "jdk leaving"), recorder.closed.get(WAIT_SECONDS, TimeUnit.SECONDS),
                "our server echoes the code and reason");
        assertEquals(Optional.empty(), Optional.ofNullable(recorder.messages.poll()));
    }
}
