package io.switchboard.examples.chat.osgi;

import io.switchboard.api.HttpHandler;
import io.switchboard.api.Request;
import io.switchboard.api.Response;
import io.switchboard.examples.chat.ChatPage;
import org.osgi.service.component.annotations.Component;

/** The chat's page as a Declarative Services component: plain GET on {@code /chat}. */
@Component(property = HttpHandler.PATH_PROPERTY + "=/chat")
public final class ChatPageComponent implements HttpHandler {

    private final ChatPage page = new ChatPage();

    @Override
    public Response handle(Request request) {
        return page.handle(request);
    }
}
