package io.switchboard.examples;

import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.WebSocketServer;
import java.util.ServiceLoader;

/**
 * Serves every {@link WebSocketHandler} found on the module path through {@link ServiceLoader},
 * each on its own {@link WebSocketHandler#path()} — the module-path counterpart of the
 * launcher's deploy folder. Arguments: [host] [port], default 0.0.0.0 8080.
 */
public final class ServeHandlers {

    private ServeHandlers() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "0.0.0.0";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        WebSocketServer server = new WebSocketServer();
        for (WebSocketHandler handler : ServiceLoader.load(WebSocketHandler.class)) {
            if (handler.path().isEmpty()) {
                System.err.println("skipping " + handler.getClass().getName() + ": it names no path");
                continue;
            }
            server.webSocket(handler.path(), handler);
            System.out.println("Handler " + handler.getClass().getName() + " on " + handler.path());
        }
        int bound = server.start(host, port);
        System.out.println("Listening on port " + bound + "...");
        server.awaitStop();
    }
}
