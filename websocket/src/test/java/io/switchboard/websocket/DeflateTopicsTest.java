package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Topic messages (compressed once, without context) interleaved with a session's own
 * compressed sends: a session whose compressor keeps its context, or whose window is smaller
 * than the message, must compress the topic message itself, or the peer's window and ours
 * drift apart and later messages decode wrong.
 */
class DeflateTopicsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "policy {0}")
    @ValueSource(strings = {"12/4/true", "15/8/true", "15/8/false", "9/1/false"})
    void topicMessagesInterleaveWithOwnSendsAndAllDecode(String policy) throws Exception {
        WebSocketOptions options = NodeWsDeflateTest.policy(policy);
        try (Started started = new Started()) {
            WebSocketServer server = started.server(new WebSocketServer(options));
            Topics topics = server.topics();
            server.webSocket("/room", (request, ws) -> {
                topics.subscribe("room", ws);
                Message msg;
                while ((msg = ws.read()) != null) {
                    ws.send(msg); // the session's own sends, through its compressor
                }
            });
            int port = server.start("127.0.0.1", 0);
            WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/room",
                    Headers.empty(), options));
            assertTrue(client.connect().isConnected());
            assertTrue(Await.until(WAIT, () -> topics.subscribers("room") == 1));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                String own = NodeWsDeflateTest.chatty(i);
                String published = "{\"topic\":\"room\",\"n\":" + i + ",\"text\":\"" + "hello room ".repeat(10 + i * 5) + "\"}";
                assertTrue(client.send(own));
                topics.publish("room", published);
                expected.add(own);
                expected.add(published);
            }
            Set<String> received = new HashSet<>();
            for (int i = 0; i < 80; i++) {
                Message m = client.read();
                assertTrue(m instanceof Message.Text, "message " + i + ": " + m);
                received.add(((Message.Text) m).text());
            }
            Set<String> wrong = new HashSet<>(received);
            wrong.removeAll(expected);
            assertEquals(0, wrong.size(), wrong.size() + " of 80 messages decoded wrong, e.g. "
                    + wrong.stream().findFirst().orElse(""));
        }
    }
}
