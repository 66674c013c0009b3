package io.switchboard.websocket.osgi;

import io.switchboard.api.HandlerProperties;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.RouteOptions;
import io.switchboard.websocket.WebSocketServer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Routes every {@link WebSocketHandler} service that carries a {@link
 * WebSocketHandler#PATH_PROPERTY} to the current server (OSGi whiteboard pattern), with the
 * route settings of its other {@link HandlerProperties} (a service whose settings cannot be
 * read is not routed, with one warning; a change of its properties applies to new handshakes).
 * When two
 * services claim one path, the higher service ranking wins (then the lower service id), with
 * a warning. Routes go to every attached server (plain and TLS alike); the route table outlives
 * servers: a new server gets every route on {@link #attach}. Thread-safe.
 */
final class HandlerWhiteboard implements ServiceTrackerCustomizer<WebSocketHandler, WebSocketHandler> {

    private static final System.Logger LOG = System.getLogger(HandlerWhiteboard.class.getName());

    private final BundleContext context;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: path to the services claiming it. */
    private final Map<String, List<ServiceReference<WebSocketHandler>>> claims = new HashMap<>();
    /** Guarded by lock: path to the service routed there now. */
    private final Map<String, ServiceReference<WebSocketHandler>> routed = new HashMap<>();
    /** Guarded by lock: the services' objects, obtained once each. */
    private final Map<ServiceReference<WebSocketHandler>, WebSocketHandler> handlers = new HashMap<>();
    /** Guarded by lock: the route settings of each claiming service, read from its properties. */
    private final Map<ServiceReference<WebSocketHandler>, RouteOptions> options = new HashMap<>();
    /** Guarded by lock: the servers routes go to. */
    private final List<WebSocketServer> servers = new ArrayList<>();

    HandlerWhiteboard(BundleContext context) {
        this.context = context;
    }

    /** Adds {@code s} to the servers that receive routes, and routes every current claim to it. */
    void attach(WebSocketServer s) {
        lock.lock();
        try {
            servers.add(s);
            routed.forEach((path, reference) -> s.webSocket(path, handlers.get(reference), options.get(reference)));
        } finally {
            lock.unlock();
        }
    }

    /** Stops routing to {@code s}. */
    void detach(WebSocketServer s) {
        lock.lock();
        try {
            servers.remove(s);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public WebSocketHandler addingService(ServiceReference<WebSocketHandler> reference) {
        String path = pathOf(reference);
        RouteOptions routeOptions = path == null ? null : optionsOf(reference);
        if (routeOptions == null) {
            return null; // tracked again if a modification makes it routable
        }
        WebSocketHandler handler = context.getService(reference);
        if (handler == null) {
            return null;
        }
        Bundle bundle = reference.getBundle();
        if (bundle != null) {
            HandlerClasses.loadAll(bundle); // its sessions may outlive its revision
        }
        lock.lock();
        try {
            handlers.put(reference, handler);
            options.put(reference, routeOptions);
            claims.computeIfAbsent(path, p -> new ArrayList<>()).add(reference);
            reselect(path);
        } finally {
            lock.unlock();
        }
        return handler;
    }

    @Override
    public void modifiedService(ServiceReference<WebSocketHandler> reference, WebSocketHandler handler) {
        lock.lock();
        try {
            String old = unclaim(reference);
            String path = pathOf(reference);
            RouteOptions routeOptions = path == null ? null : optionsOf(reference);
            if (routeOptions != null) {
                options.put(reference, routeOptions);
                claims.computeIfAbsent(path, p -> new ArrayList<>()).add(reference);
                if (path.equals(old) && reference.equals(routed.get(path))) {
                    routed.remove(path); // still routed here, but its properties changed: route it afresh
                }
                reselect(path);
            }
            if (old != null && (routeOptions == null || !old.equals(path))) {
                reselect(old);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removedService(ServiceReference<WebSocketHandler> reference, WebSocketHandler handler) {
        lock.lock();
        try {
            String path = unclaim(reference);
            handlers.remove(reference);
            options.remove(reference);
            if (path != null) {
                reselect(path);
            }
        } finally {
            lock.unlock();
        }
        context.ungetService(reference);
    }

    /** Removes {@code reference} from whatever path it claimed; returns that path. */
    private String unclaim(ServiceReference<WebSocketHandler> reference) {
        for (Map.Entry<String, List<ServiceReference<WebSocketHandler>>> e : claims.entrySet()) {
            if (e.getValue().remove(reference)) {
                if (e.getValue().isEmpty()) {
                    claims.remove(e.getKey());
                }
                return e.getKey();
            }
        }
        return null;
    }

    /** Routes {@code path} to its best claim, or removes the route. Caller holds lock. */
    private void reselect(String path) {
        List<ServiceReference<WebSocketHandler>> list = claims.getOrDefault(path, List.of());
        ServiceReference<WebSocketHandler> best = list.isEmpty() ? null : Collections.max(list);
        ServiceReference<WebSocketHandler> current = routed.get(path);
        if (best == current) {
            return;
        }
        if (list.size() > 1) {
            LOG.log(Level.WARNING, "{0} is claimed by {1} handlers; using {2} (ranking {3}), ignoring the others",
                    path, list.size(), describe(best), ranking(best));
        }
        if (best == null) {
            routed.remove(path);
            servers.forEach(server -> server.removeWebSocket(path));
            LOG.log(Level.INFO, "handler path {0} unregistered ({1} gone)", path, describe(current));
        } else {
            routed.put(path, best);
            servers.forEach(server -> server.webSocket(path, handlers.get(best), options.get(best)));
            LOG.log(Level.INFO, "handler path {0} registered: {1}", path, describe(best));
        }
    }

    private static String pathOf(ServiceReference<?> reference) {
        Object value = reference.getProperty(WebSocketHandler.PATH_PROPERTY);
        if (!(value instanceof String path) || !path.startsWith("/")) {
            LOG.log(Level.WARNING, "ignoring WebSocketHandler service of {0}: property {1} must be a path "
                    + "starting with '/', got {2}", describe(reference), WebSocketHandler.PATH_PROPERTY, value);
            return null;
        }
        return path;
    }

    /** The route settings {@code reference} declares, or null (logged) if they cannot be read. */
    private static RouteOptions optionsOf(ServiceReference<?> reference) {
        try {
            return RouteProperties.read(reference::getProperty);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "ignoring WebSocketHandler service of {0}: {1}", describe(reference), e.getMessage());
            return null;
        }
    }

    private static Object ranking(ServiceReference<?> reference) {
        Object r = reference == null ? null : reference.getProperty("service.ranking");
        return r == null ? 0 : r;
    }

    private static String describe(ServiceReference<?> reference) {
        if (reference == null) {
            return "none";
        }
        var bundle = reference.getBundle();
        return (bundle == null ? "an uninstalled bundle" : bundle.getSymbolicName() + " " + bundle.getVersion()
                + " [" + bundle.getBundleId() + "]") + " service " + reference.getProperty("service.id");
    }
}
