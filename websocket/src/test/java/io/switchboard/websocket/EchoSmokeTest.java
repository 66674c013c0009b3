package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EchoSmokeTest {

    @Test
    void echoesTextAndBinaryAndClosesNormally() throws Exception {
        WebSocketServer server = new WebSocketServer();
        server.webSocket("/ws", (req, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        int port = server.start("127.0.0.1", 0);
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("Hello, WebSocket!"));
            assertEquals(new Message.Text("Hello, WebSocket!"), client.read());
            assertTrue(client.send(new byte[] {1, 2, 3}));
            assertEquals(new Message.Binary(new byte[] {1, 2, 3}), client.read());
            client.close();
            assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
            assertNull(client.read());
        } finally {
            server.stop();
        }
    }
}
