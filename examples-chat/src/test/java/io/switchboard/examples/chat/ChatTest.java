package io.switchboard.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat on an embedded server, with several Switchboard clients as its users. */
@Timeout(60)
class ChatTest {

    private static final Duration STEP = Duration.ofSeconds(10);

    private final WebSocketServer server = new WebSocketServer();
    private final List<WebSocketClient> clients = new ArrayList<>();
    private int port;

    @BeforeEach
    void start() throws Exception {
        Chat chat = new Chat(server.topics());
        server.webSocket("/chat", chat::serve);
        server.get("/chat", new ChatPage());
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        clients.forEach(WebSocketClient::close);
        server.stop();
    }

    private WebSocketClient join(String query) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/chat" + query);
        clients.add(client);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), () -> query + ": " + result);
        return client;
    }

    /** The next message's text, or null once the connection ended; bounded by {@link #STEP}. */
    static String next(WebSocketClient client) throws Exception {
        CompletableFuture<Message> read = CompletableFuture.supplyAsync(client::read,
                r -> Thread.ofVirtual().start(r));
        try {
            Message message = read.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            return message == null ? null : assertInstanceOf(Message.Text.class, message).text();
        } catch (TimeoutException e) {
            client.close();
            throw new AssertionError("nothing arrived within " + STEP.toSeconds() + " s on " + client);
        }
    }

    @Test
    void aMessageReachesEveryoneInTheRoomAndNoOneElse() throws Exception {
        WebSocketClient ann = join("?room=r1&name=ann");
        assertEquals(Notices.join("r1", "ann", 1), next(ann));
        WebSocketClient bob = join("?room=r1&name=bob");
        assertEquals(Notices.join("r1", "bob", 2), next(bob));
        assertEquals(Notices.join("r1", "bob", 2), next(ann));
        WebSocketClient carol = join("?room=r2&name=carol");
        assertEquals(Notices.join("r2", "carol", 1), next(carol));

        ann.send("hello, \"r1\"");
        String expected = Notices.message("r1", "ann", "hello, \"r1\"");
        assertEquals(expected, next(ann));
        assertEquals(expected, next(bob));

        carol.send("anyone?"); // carol's next message is her own: nothing of r1 reached her
        assertEquals(Notices.message("r2", "carol", "anyone?"), next(carol));
    }

    @Test
    void leavingIsAnnouncedToTheOthers() throws Exception {
        WebSocketClient ann = join("?room=r&name=ann");
        next(ann);
        WebSocketClient bob = join("?room=r&name=bob");
        next(bob);
        next(ann);
        bob.close();
        assertEquals(Notices.leave("r", "bob", 1), next(ann));
    }

    @Test
    void theDefaultsAreTheLobbyAndANumberedGuest() throws Exception {
        WebSocketClient guest = join("");
        String notice = next(guest);
        assertTrue(notice.matches("\\{\"type\":\"join\",\"room\":\"lobby\",\"name\":\"guest-\\d+\",\"count\":1}"), notice);
    }

    @Test
    void aBadRoomOrNameIsClosedWith1008AndTheRule() throws Exception {
        for (String query : List.of("?room=" + URLEncoder.encode("a b", StandardCharsets.UTF_8), "?room=" + "x".repeat(65),
                "?room=", "?name=" + "n".repeat(33), "?name=a%01b")) {
            WebSocketClient client = join(query);
            assertNull(next(client), query);
            assertEquals(Optional.of(CloseStatus.POLICY_VIOLATION), client.closeStatus(), query);
            assertTrue(client.closeReason().orElseThrow().startsWith(query.startsWith("?room") ? "room: " : "name: "), query);
        }
    }

    @Test
    void aBinaryMessageIsClosedWith1003AndTheOthersHearTheLeave() throws Exception {
        WebSocketClient ann = join("?room=r&name=ann");
        next(ann);
        WebSocketClient bin = join("?room=r&name=bin");
        next(bin);
        next(ann);
        bin.send(new byte[] {1, 2, 3});
        assertNull(next(bin));
        assertEquals(Optional.of(CloseStatus.UNSUPPORTED_DATA), bin.closeStatus());
        assertEquals(Notices.leave("r", "bin", 1), next(ann));
    }

    @Test
    void thePageIsServedOnTheSamePath() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/chat?room=r")).timeout(STEP).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals(Optional.of("text/html; charset=utf-8"), page.headers().firstValue("Content-Type"));
            assertTrue(page.body().contains("<title>Switchboard chat</title>"), page.body());
        }
    }
}
