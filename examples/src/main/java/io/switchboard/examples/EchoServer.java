package io.switchboard.examples;

import io.switchboard.api.Message;
import io.switchboard.websocket.WebSocketServer;

/** The tour's echo server. Arguments: [host] [port], default 0.0.0.0 8080 (0 = any free port). */
public final class EchoServer {

    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "0.0.0.0";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;

        WebSocketServer server = new WebSocketServer();
        server.webSocket("/ws", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg); // send back the received message as-is
            }
        });

        int bound = server.start(host, port);
        System.out.println("Listening on port " + bound + "...");
        server.awaitStop();
    }
}
