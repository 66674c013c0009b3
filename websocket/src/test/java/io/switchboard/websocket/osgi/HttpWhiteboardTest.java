package io.switchboard.websocket.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.HttpHandler;
import io.switchboard.api.Response;
import io.switchboard.websocket.WebSocketServer;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** HttpHandler services are routed by their path property; the higher ranking wins; removal answers 404. */
@Timeout(30)
class HttpWhiteboardTest {

    private final WebSocketServer server = new WebSocketServer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.stop();
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<HttpHandler> reference(Map<String, Object> properties) {
        return (ServiceReference<HttpHandler>) Proxy.newProxyInstance(HttpWhiteboardTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> null;
                    case "compareTo" -> Integer.compare(ranking(properties),
                            ranking(((ServiceReference<?>) args[0])::getProperty));
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "reference" + properties;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static int ranking(Map<String, Object> properties) {
        return (Integer) properties.getOrDefault("service.ranking", 0);
    }

    private static int ranking(java.util.function.Function<String, Object> property) {
        Object r = property.apply("service.ranking");
        return r == null ? 0 : (Integer) r;
    }

    private static BundleContext context(Map<ServiceReference<?>, HttpHandler> services) {
        return (BundleContext) Proxy.newProxyInstance(HttpWhiteboardTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getService" -> services.get(args[0]);
                    case "ungetService" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private String get(int port, String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    @Test
    void servicesAreRoutedByPathAndRanking() throws Exception {
        Map<ServiceReference<?>, HttpHandler> services = new HashMap<>();
        ServiceReference<HttpHandler> low = reference(Map.of(HttpHandler.PATH_PROPERTY, "/page"));
        ServiceReference<HttpHandler> high = reference(Map.of(HttpHandler.PATH_PROPERTY, "/page", "service.ranking", 5));
        services.put(low, request -> Response.text(200, "low"));
        services.put(high, request -> Response.text(200, "high"));
        HttpWhiteboard whiteboard = new HttpWhiteboard(context(services));
        whiteboard.addingService(low);
        whiteboard.attach(server); // gets the routes that are there already
        int port = server.start("127.0.0.1", 0);
        assertEquals("200 low", get(port, "/page"));
        whiteboard.addingService(high);
        assertEquals("200 high", get(port, "/page"));
        whiteboard.removedService(high, services.get(high));
        assertEquals("200 low", get(port, "/page"));
        whiteboard.removedService(low, services.get(low));
        assertEquals(404, Integer.parseInt(get(port, "/page").substring(0, 3)));
    }

    @Test
    void aServiceWithoutAPathIsIgnored() {
        Map<ServiceReference<?>, HttpHandler> services = new HashMap<>();
        ServiceReference<HttpHandler> bad = reference(Map.of(HttpHandler.PATH_PROPERTY, "page"));
        services.put(bad, request -> Response.text(200, "x"));
        assertEquals(null, new HttpWhiteboard(context(services)).addingService(bad));
    }
}
