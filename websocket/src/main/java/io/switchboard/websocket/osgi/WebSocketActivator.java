package io.switchboard.websocket.osgi;

import io.switchboard.api.HttpHandler;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.api.spi.Transport;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import io.switchboard.websocket.internal.ServiceTransports;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Dictionary;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Runs the WebSocket servers inside a framework: a plain one when a TCP {@link Transport}
 * service appears (unless {@code switchboard.plain=false}), and a TLS one on
 * {@code switchboard.tls.port} (default 8443) when a transport with
 * {@code switchboard.transport=tls} appears; stops each (closing sessions with 1001) when its
 * transport goes, and routes handler services to all of them through the {@link HandlerWhiteboard}
 * (and {@link HttpHandler} services through the {@link HttpWhiteboard}).
 * Transport services other than TLS servers (TCP, and {@code switchboard.transport=tls-client})
 * also serve {@code WebSocketClient}s made without an explicit transport. Configured by framework properties
 * ({@code switchboard.host}, {@code switchboard.port}, {@code switchboard.maxMessageSize} in
 * bytes, {@code switchboard.closeTimeout}, {@code switchboard.handshakeTimeout},
 * {@code switchboard.drainTimeout}, {@code switchboard.pingInterval}, {@code switchboard.readTimeout},
 * {@code switchboard.writeTimeout}, {@code switchboard.idleThreshold} in milliseconds,
 * {@code switchboard.expressThreads}, {@code switchboard.maxMissedPongs}, {@code switchboard.maxSessions}). While serving, it registers the server as
 * a service with the property {@code switchboard.server.port}; if binding fails, with
 * {@code switchboard.server.error} instead.
 */
public final class WebSocketActivator implements BundleActivator {

    private static final System.Logger LOG = System.getLogger(WebSocketActivator.class.getName());

    private ServiceTracker<WebSocketHandler, WebSocketHandler> handlers;
    private ServiceTracker<HttpHandler, HttpHandler> httpHandlers;
    private TopicsService topics;
    /** One tracker per kind of transport: plain TCP, and TLS. */
    private final List<ServiceTracker<Transport, Transport>> transports = new ArrayList<>();

    @Override
    public void start(BundleContext context) {
        String host = property(context, "switchboard.host", "0.0.0.0");
        int port = Integer.parseInt(property(context, "switchboard.port", "8080"));
        WebSocketOptions.Builder b = WebSocketOptions.builder();
        setIfPresent(context, "switchboard.maxMessageSize", v -> b.maxMessageSize(Long.parseLong(v)));
        setIfPresent(context, "switchboard.closeTimeout", v -> b.closeTimeout(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.handshakeTimeout",
                v -> b.handshakeTimeout(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.drainTimeout", v -> b.drainTimeout(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.pingInterval", v -> b.pingInterval(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.maxMissedPongs", v -> b.maxMissedPongs(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.readTimeout", v -> b.readTimeout(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.writeTimeout", v -> b.writeTimeout(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.idleThreshold", v -> b.idleThreshold(Duration.ofMillis(Long.parseLong(v))));
        setIfPresent(context, "switchboard.expressThreads", v -> b.expressThreads(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.maxSessions", v -> b.maxSessions(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.compression", v -> b.compression(Boolean.parseBoolean(v)));
        setIfPresent(context, "switchboard.maxInboundMemory", v -> {
            long bytes = Long.parseLong(v);
            if (bytes >= 0) { // -1: the default share of the heap
                b.maxInboundMemory(bytes);
            }
        });
        setIfPresent(context, "switchboard.compressionWindowBits", v -> b.compressionWindowBits(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.compressionMemoryLevel", v -> b.compressionMemoryLevel(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.compressionContextTakeover",
                v -> b.compressionContextTakeover(Boolean.parseBoolean(v)));
        setIfPresent(context, "switchboard.controlFrameRate", v -> b.controlFrameRate(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.descriptorReserve", v -> b.descriptorReserve(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.maxConnectionsPerAddress",
                v -> b.maxConnectionsPerAddress(Integer.parseInt(v)));
        setIfPresent(context, "switchboard.maxHandshakesPerAddress",
                v -> b.maxHandshakesPerSecondPerAddress(Integer.parseInt(v)));
        WebSocketOptions options = b.build();

        topics = new TopicsService(context);
        HandlerWhiteboard whiteboard = new HandlerWhiteboard(context);
        handlers = new ServiceTracker<>(context, WebSocketHandler.class, whiteboard);
        handlers.open();
        HttpWhiteboard http = new HttpWhiteboard(context);
        httpHandlers = new ServiceTracker<>(context, HttpHandler.class, http);
        httpHandlers.open();
        if (!"false".equalsIgnoreCase(property(context, "switchboard.plain", "true"))) {
            transports.add(track(context, "(!(|(switchboard.transport=tls)(switchboard.transport=tls-client)))",
                    new ServerLifecycle(context, whiteboard, http, options, host, port, false)));
        }
        transports.add(track(context, "(!(switchboard.transport=tls))", new ClientTransports(context)));
        int tlsPort = Integer.parseInt(property(context, "switchboard.tls.port", "8443"));
        transports.add(track(context, "(switchboard.transport=tls)",
                new ServerLifecycle(context, whiteboard, http, options, host, tlsPort, true)));
    }

    private static ServiceTracker<Transport, Transport> track(BundleContext context, String filter,
            ServiceTrackerCustomizer<Transport, Transport> lifecycle) {
        try {
            ServiceTracker<Transport, Transport> tracker = new ServiceTracker<>(context, context.createFilter(
                    "(&(objectClass=" + Transport.class.getName() + ")" + filter + ")"), lifecycle);
            tracker.open();
            return tracker;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        transports.forEach(ServiceTracker::close); // stops the servers, closing sessions with 1001
        transports.clear();
        handlers.close();
        httpHandlers.close();
        topics.close();
    }

    private static String property(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static void setIfPresent(BundleContext context, String name, Consumer<String> setter) {
        String value = context.getProperty(name);
        if (value != null && !value.isBlank()) {
            setter.accept(value.strip());
        }
    }

    /**
     * Offers the plain and client-only TLS transport services to {@code WebSocketClient}s made
     * without a transport inside the framework, where {@code ServiceLoader} sees no other bundle.
     */
    private static final class ClientTransports implements ServiceTrackerCustomizer<Transport, Transport> {
        private final BundleContext context;

        ClientTransports(BundleContext context) {
            this.context = context;
        }

        @Override
        public Transport addingService(ServiceReference<Transport> reference) {
            Transport transport = context.getService(reference);
            if (transport != null) {
                ServiceTransports.add(transport);
            }
            return transport;
        }

        @Override
        public void modifiedService(ServiceReference<Transport> reference, Transport transport) {
        }

        @Override
        public void removedService(ServiceReference<Transport> reference, Transport transport) {
            ServiceTransports.remove(transport);
            context.ungetService(reference);
        }
    }

    /** One server per transport service in use; the first transport found is used. */
    private static final class ServerLifecycle implements ServiceTrackerCustomizer<Transport, Transport> {
        private final BundleContext context;
        private final HandlerWhiteboard whiteboard;
        private final HttpWhiteboard http;
        private final WebSocketOptions options;
        private final String host;
        /** The configured port; once a server has bound, its port, which later servers reuse (also for 0). */
        private int port;
        private final boolean secure;
        /** Guarded by this tracker's callbacks, which the framework serialises per tracker. */
        private ServiceReference<Transport> inUse;
        private WebSocketServer server;
        private ServiceRegistration<?> registration;

        ServerLifecycle(BundleContext context, HandlerWhiteboard whiteboard, HttpWhiteboard http,
                WebSocketOptions options, String host, int port, boolean secure) {
            this.http = http;
            this.secure = secure;
            this.context = context;
            this.whiteboard = whiteboard;
            this.options = options;
            this.host = host;
            this.port = port;
        }

        /** The transports this lifecycle has seen and not yet lost, in arrival order. */
        private final java.util.Map<ServiceReference<Transport>, Transport> available = new java.util.LinkedHashMap<>();

        @Override
        public Transport addingService(ServiceReference<Transport> reference) {
            Transport transport = context.getService(reference);
            if (transport != null) {
                available.put(reference, transport);
                if (inUse == null) {
                    serveOn(reference, transport);
                }
            }
            return transport;
        }

        /** Starts a server over {@code transport} and registers it as a service. */
        private void serveOn(ServiceReference<Transport> reference, Transport transport) {
            inUse = reference;
            server = new WebSocketServer(options, transport);
            whiteboard.attach(server);
            http.attach(server);
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("switchboard.server.secure", secure);
            try {
                int bound = server.start(host, port);
                port = bound; // a transport that comes back serves where clients were told to connect
                properties.put("switchboard.server.host", host);
                properties.put("switchboard.server.port", bound);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "cannot listen on {0}:{1}: {2}", host, String.valueOf(port), e.getMessage());
                properties.put("switchboard.server.error", "cannot listen on " + host + ":" + port + ": "
                        + e.getMessage());
            }
            registration = context.registerService(WebSocketServer.class.getName(), server, properties);
        }

        @Override
        public void modifiedService(ServiceReference<Transport> reference, Transport transport) {
            // Transport properties carry nothing the server uses.
        }

        @Override
        public void removedService(ServiceReference<Transport> reference, Transport transport) {
            available.remove(reference);
            if (reference.equals(inUse)) {
                registration.unregister();
                whiteboard.detach(server);
                http.detach(server);
                server.stop();
                server = null;
                inUse = null;
                // Another transport of the same kind takes over, if one is there.
                available.entrySet().stream().findFirst().ifPresent(e -> serveOn(e.getKey(), e.getValue()));
            }
            context.ungetService(reference);
        }
    }
}
