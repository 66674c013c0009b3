package io.switchboard.handlers.echo;

import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.api.WebSocketHandler;

/** Sends every message back to its sender, text as text and binary as binary. Stateless. */
public final class EchoHandler implements WebSocketHandler {

    /** The path the echo handler serves. */
    public static final String PATH = "/ws";

    @Override
    public void handle(Request request, WebSocket ws) {
        Message msg;
        while ((msg = ws.read()) != null) {
            ws.send(msg);
        }
    }

    @Override
    public String path() {
        return PATH;
    }
}
