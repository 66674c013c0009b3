package io.switchboard.websocket.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** A change to the properties of the handler service routed on a path reaches the servers. */
@Timeout(30)
class HandlerWhiteboardPropertiesTest {

    private static final WebSocketHandler ECHO = (request, ws) -> {
        Message msg;
        while ((msg = ws.read()) != null) {
            ws.send(msg);
        }
    };

    private final WebSocketServer server = new WebSocketServer();

    @AfterEach
    void stop() {
        server.stop();
    }

    /** A service reference over mutable properties, ordered as the framework orders them. */
    @SuppressWarnings("unchecked")
    private static ServiceReference<WebSocketHandler> reference(Map<String, Object> properties) {
        return (ServiceReference<WebSocketHandler>) Proxy.newProxyInstance(
                HandlerWhiteboardPropertiesTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> null;
                    case "compareTo" -> proxy == args[0] ? 0 : 1;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "reference" + properties;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static BundleContext context(WebSocketHandler handler) {
        return (BundleContext) Proxy.newProxyInstance(HandlerWhiteboardPropertiesTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getService" -> handler;
                    case "ungetService" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Optional<String> connectOffering(int port, String protocol) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/p", Headers.empty(),
                WebSocketOptions.builder().subProtocols(List.of(protocol)).build());
        try {
            assertTrue(client.connect().isConnected());
            return client.subProtocol();
        } finally {
            client.close();
        }
    }

    @Test
    void modifiedSubProtocolsOfTheRoutedServiceApplyToNewHandshakes() throws Exception {
        HandlerWhiteboard whiteboard = new HandlerWhiteboard(context(ECHO));
        whiteboard.attach(server);
        int port = server.start("127.0.0.1", 0);
        Map<String, Object> properties = new ConcurrentHashMap<>(Map.of(
                WebSocketHandler.PATH_PROPERTY, "/p", "service.id", 1L));
        ServiceReference<WebSocketHandler> reference = reference(properties);
        whiteboard.addingService(reference);
        assertEquals(Optional.empty(), connectOffering(port, "chat"));

        properties.put(WebSocketHandler.SUBPROTOCOLS_PROPERTY, "chat");
        whiteboard.modifiedService(reference, ECHO);

        assertEquals(Optional.of("chat"), connectOffering(port, "chat"), "the modified property was applied");
    }
}
