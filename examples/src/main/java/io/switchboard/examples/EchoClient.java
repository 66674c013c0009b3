package io.switchboard.examples;

import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;

/** The tour's echo client. Argument: [url], default ws://localhost:8080/ws. */
public final class EchoClient {

    private EchoClient() {
    }

    public static void main(String[] args) {
        WebSocketClient client = new WebSocketClient(args.length > 0 ? args[0] : "ws://localhost:8080/ws");

        ConnectResult result = client.connect();
        if (!result.isConnected()) {
            System.out.println("Connection failed: " + result);
            System.exit(1);
        }

        client.send("Hello, WebSocket!");

        if (client.read() instanceof Message.Text reply) {
            System.out.println(reply.text()); // Hello, WebSocket!
        }

        client.close();
    }
}
