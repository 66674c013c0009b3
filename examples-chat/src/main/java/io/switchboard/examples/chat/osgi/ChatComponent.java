package io.switchboard.examples.chat.osgi;

import io.switchboard.api.HandlerProperties;
import io.switchboard.api.Request;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocket;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.examples.chat.Chat;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The chat's WebSocket side as a Declarative Services component: {@code /chat}, with the
 * {@link Topics} service of the websocket bundle; chat lines up to 4 KiB (larger: 1009).
 */
@Component(property = {HandlerProperties.PATH + "=/chat", HandlerProperties.MAX_MESSAGE_SIZE + "=4096"})
public final class ChatComponent implements WebSocketHandler {

    private final Chat chat;

    @Activate
    public ChatComponent(@Reference Topics topics) {
        this.chat = new Chat(topics);
    }

    @Override
    public void handle(Request request, WebSocket webSocket) {
        chat.serve(request, webSocket);
    }
}
