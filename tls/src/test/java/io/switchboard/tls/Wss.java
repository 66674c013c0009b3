package io.switchboard.tls;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Small helpers for the wss tests: an echo server over a transport, a client over another. */
final class Wss {

    /** Short enough that a test waiting on a close never waits long; no test relies on it passing. */
    static final WebSocketOptions OPTIONS = WebSocketOptions.builder()
            .closeTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5))
            .handshakeTimeout(Duration.ofSeconds(5)).build();

    private Wss() {
    }

    /** An echo server on /ws on a free loopback port, started. */
    static WebSocketServer echoServer(Transport transport) {
        WebSocketServer server = new WebSocketServer(OPTIONS, transport);
        server.webSocket("/ws", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        try {
            server.start("127.0.0.1", 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return server;
    }

    static WebSocketClient client(String host, WebSocketServer server, Transport transport) {
        return new WebSocketClient("wss://" + host + ":" + server.port() + "/ws", Headers.empty(), OPTIONS, transport);
    }

    static ConnectResult connect(String host, WebSocketServer server, Transport transport) {
        WebSocketClient client = client(host, server, transport);
        ConnectResult result = client.connect();
        client.close();
        return result;
    }
}
