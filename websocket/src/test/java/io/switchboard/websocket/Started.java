package io.switchboard.websocket;

import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import java.util.ArrayList;
import java.util.List;

/** The servers and clients one test starts, stopped and closed when it ends; and an echo handler. */
final class Started implements AutoCloseable {

    /** The tour's echo loop. */
    static final WebSocketHandler ECHO = (request, ws) -> {
        Message msg;
        while ((msg = ws.read()) != null) {
            ws.send(msg);
        }
    };

    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WebSocketClient> clients = new ArrayList<>();

    /** Stops {@code server} at the end of the test. */
    WebSocketServer server(WebSocketServer server) {
        servers.add(server);
        return server;
    }

    /** Closes {@code client} at the end of the test. */
    WebSocketClient client(WebSocketClient client) {
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(WebSocketClient::close);
        servers.forEach(WebSocketServer::stop);
    }
}
