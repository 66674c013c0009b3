package io.switchboard.examples.chat;

import io.switchboard.api.HttpHandler;
import io.switchboard.api.Request;
import io.switchboard.api.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The chat's browser page ({@code chat.html}, a resource of this bundle): open
 * {@code http://host:8080/chat?room=ROOM&name=NAME}; its script connects to the WebSocket on
 * the same path. Messages are put on the page as text, never as HTML. Immutable; thread-safe.
 */
public final class ChatPage implements HttpHandler {

    private final byte[] html;

    /** Loads the page from this bundle's resources. */
    public ChatPage() {
        try (InputStream in = ChatPage.class.getResourceAsStream("chat.html")) {
            if (in == null) {
                throw new IllegalStateException("chat.html is missing from " + ChatPage.class.getModule());
            }
            html = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read chat.html", e);
        }
    }

    @Override
    public Response handle(Request request) {
        return Response.of(200, "text/html; charset=utf-8", html).withHeader("Cache-Control", "no-cache");
    }
}
