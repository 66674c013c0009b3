package io.switchboard.websocket.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.HandlerProperties;
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

    /** The 101 (or other) response head to a raw upgrade request for /p offering permessage-deflate. */
    private static String upgradeOfferingDeflate(int port) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = socket.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    private static io.switchboard.websocket.ConnectResult connectFrom(int port, String origin) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/p", Headers.of("Origin", origin),
                WebSocketOptions.defaults());
        try {
            return client.connect();
        } finally {
            client.close();
        }
    }

    @Test
    void routeSettingsComeFromTheServiceProperties() throws Exception {
        HandlerWhiteboard whiteboard = new HandlerWhiteboard(context(ECHO));
        whiteboard.attach(server);
        int port = server.start("127.0.0.1", 0);
        // As a .cfg file gives them: every value a string.
        Map<String, Object> properties = new ConcurrentHashMap<>(Map.of(
                HandlerProperties.PATH, "/p", "service.id", 1L,
                HandlerProperties.SUBPROTOCOLS, "chat.v2, chat.v1",
                HandlerProperties.ALLOWED_ORIGINS, "https://good.example, https://also.example",
                HandlerProperties.MAX_MESSAGE_SIZE, "10",
                HandlerProperties.COMPRESSION, "true"));
        ServiceReference<WebSocketHandler> reference = reference(properties);
        whiteboard.addingService(reference);

        assertEquals(Optional.of("chat.v1"), connectOffering(port, "chat.v1"));
        assertEquals(403, connectFrom(port, "https://evil.example").httpStatus());
        assertTrue(connectFrom(port, "https://also.example").isConnected());
        assertTrue(upgradeOfferingDeflate(port).toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate"),
                "compression on for this path while the server's is off");
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/p");
        assertTrue(client.connect().isConnected());
        assertTrue(client.send("0123456789"));
        assertEquals("0123456789", ((Message.Text) client.read()).text());
        assertTrue(client.send("0123456789+"));
        assertEquals(null, client.read());
        assertEquals(1009, client.closeStatus().orElseThrow().code());

        // Typed values (a component annotation, a .config file) work the same; compression off.
        properties.put(HandlerProperties.ALLOWED_ORIGINS, new String[] {"https://evil.example"});
        properties.put(HandlerProperties.MAX_MESSAGE_SIZE, 11L);
        properties.put(HandlerProperties.COMPRESSION, Boolean.FALSE);
        whiteboard.modifiedService(reference, ECHO);
        assertTrue(connectFrom(port, "https://evil.example").isConnected());
        assertEquals(403, connectFrom(port, "https://good.example").httpStatus());
        assertTrue(!upgradeOfferingDeflate(port).toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate"));
    }

    @Test
    void aServiceWithASettingThatCannotBeReadIsNotRoutedUntilItIsFixed() throws Exception {
        HandlerWhiteboard whiteboard = new HandlerWhiteboard(context(ECHO));
        whiteboard.attach(server);
        int port = server.start("127.0.0.1", 0);
        Map<String, Object> properties = new ConcurrentHashMap<>(Map.of(
                HandlerProperties.PATH, "/p", "service.id", 1L, HandlerProperties.MAX_MESSAGE_SIZE, "lots"));
        ServiceReference<WebSocketHandler> reference = reference(properties);
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(HandlerWhiteboard.class.getName());
        java.util.logging.Handler recorder = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(recorder);
        try {
            assertEquals(null, whiteboard.addingService(reference), "not tracked");
            assertEquals(404, connectFrom(port, "https://any.example").httpStatus());
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains(HandlerProperties.MAX_MESSAGE_SIZE + " must be a whole number of bytes, got \"lots\""),
                    warnings::toString);

            properties.put(HandlerProperties.MAX_MESSAGE_SIZE, "65536");
            whiteboard.addingService(reference); // a tracker adds a modified service it did not track
            assertTrue(connectFrom(port, "https://any.example").isConnected());

            properties.put(HandlerProperties.COMPRESSION, "yes");
            whiteboard.modifiedService(reference, ECHO);
            assertTrue(warnings.stream().anyMatch(w -> w.contains(HandlerProperties.COMPRESSION + " must be true or false")),
                    warnings::toString);
            assertTrue(warnings.get(warnings.size() - 1).startsWith("handler path /p unregistered"), warnings::toString);
        } finally {
            log.removeHandler(recorder);
        }
    }
}
