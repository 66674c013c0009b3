package io.switchboard.handlers.echo;

import io.switchboard.api.Message;
import io.switchboard.api.MessageHandler;
import io.switchboard.api.WebSocket;

/**
 * Sends every message back to its sender, text as text and binary as binary. A {@link
 * MessageHandler}: an idle echo session holds no thread. Stateless.
 */
public final class EchoHandler implements MessageHandler {

    /** The path the echo handler serves. */
    public static final String PATH = "/ws";

    @Override
    public void onMessage(WebSocket ws, Message msg) {
        ws.send(msg);
    }

    @Override
    public String path() {
        return PATH;
    }
}
