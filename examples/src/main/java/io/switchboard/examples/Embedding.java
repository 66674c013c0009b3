package io.switchboard.examples;

import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.time.Duration;

/**
 * A server and a client in one program, exactly as the README's "Embedding" section shows it:
 * the server's life cycle ({@code start} returning the bound port, {@code sessionCount},
 * {@code removeWebSocket}, {@code stop}, {@code awaitStop}) and a client talking to it.
 * Ends with an exception (exit code 1) if the client cannot connect.
 */
public final class Embedding {

    private Embedding() {
    }

    public static void main(String[] args) throws Exception {
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder()
                .handoverGrace(Duration.ZERO).build()); // a removed path answers 404 at once
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
        ConnectResult result = client.connect(); // never REFUSED: start() has bound the port
        if (!result.isConnected()) {
            throw new IllegalStateException("connect: " + result);
        }
        client.send("Hello, WebSocket!");
        if (client.read() instanceof Message.Text reply) {
            System.out.println("reply: " + reply.text());
        }
        System.out.println("sessions: " + server.sessionCount()); // 1: this client's
        client.close();

        server.removeWebSocket("/echo"); // new handshakes for /echo get 404
        System.out.println("after removeWebSocket: HTTP " + new WebSocketClient(url).connect().httpStatus());

        Thread.ofVirtual().start(server::stop); // stop() may come from any thread
        server.awaitStop();                     // returns once stop() has finished
        System.out.println("stopped: running=" + server.isRunning());
    }
}
