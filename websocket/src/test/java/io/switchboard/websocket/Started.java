package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers and clients one test starts, stopped and closed when it ends; an echo handler; and a
 * stop that checks the server let go of everything.
 */
final class Started implements AutoCloseable {

    /** The tour's echo loop. */
    static final WebSocketHandler ECHO = (request, ws) -> {
        Message msg;
        while ((msg = ws.read()) != null) {
            ws.send(msg);
        }
    };

    /**
     * Stops {@code server} and asserts that within {@code limit} it holds nothing a session held:
     * no open connection, no thread serving one, no busy express-lane thread.
     */
    static void stopLeavingNothing(WebSocketServer server, Duration limit) {
        server.stop();
        assertTrue(Await.until(limit, () -> server.openConnections() == 0 && server.activeConnections() == 0
                && server.expressThreadsBusy() == 0),
                () -> "left after stop(): " + server.openConnections() + " connections, " + server.activeConnections()
                        + " threads, " + server.expressThreadsBusy() + " express threads");
    }

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
