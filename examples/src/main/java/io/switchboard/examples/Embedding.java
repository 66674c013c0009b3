package io.switchboard.examples;

import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.time.Duration;

/**
 * A server and a client in one program, as the README's "Embedding" section shows it: the
 * server's life cycle ({@code start} returning the bound port, {@code sessionCount},
 * {@code removeWebSocket}, {@code stop}, {@code awaitStop}) and a client talking to it.
 * Exits 0 when every step did what the comments say, else 1.
 */
public final class Embedding {

    private Embedding() {
    }

    public static void main(String[] args) throws Exception {
        // A removed path answers 404 at once (the default handover grace of 2 s suits hot
        // redeploys, where a replacement handler is on its way).
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder()
                .handoverGrace(Duration.ZERO).build());
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        int port = server.start("127.0.0.1", 0); // returns once listening; 0 = any free port
        System.out.println("listening on port " + port);

        String url = "ws://127.0.0.1:" + port + "/echo";
        WebSocketClient client = new WebSocketClient(url);
        ConnectResult result = client.connect();
        if (!result.isConnected()) {
            fail("connect: " + result);
        }
        client.send("Hello, WebSocket!");
        if (!(client.read() instanceof Message.Text reply)) {
            fail("no text reply");
            return;
        }
        System.out.println("reply: " + reply.text());
        System.out.println("sessions: " + server.sessionCount()); // 1: this client's
        client.close(); // close handshake: the server answers, its handler's read() returns null

        server.removeWebSocket("/echo"); // new handshakes for /echo now get 404
        ConnectResult gone = new WebSocketClient(url).connect();
        System.out.println("after removeWebSocket: HTTP " + gone.httpStatus());

        // stop() may come from any thread (a shutdown hook, an admin command); awaitStop()
        // blocks until it has closed every session and released the port.
        Thread.ofVirtual().start(server::stop);
        server.awaitStop();
        System.out.println("stopped: running=" + server.isRunning());
    }

    private static void fail(String why) {
        System.out.println("failed: " + why);
        System.exit(1);
    }
}
