package io.switchboard.websocket.osgi;

import io.switchboard.api.HttpHandler;
import io.switchboard.websocket.WebSocketServer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Routes every {@link HttpHandler} service that carries a {@link HttpHandler#PATH_PROPERTY}
 * to the attached servers' plain HTTP routes (OSGi whiteboard pattern), so a handler bundle can
 * serve its own page. When two services claim one path, the higher service ranking wins (then
 * the lower service id), with a warning. The routes outlive servers: a server gets every route
 * on {@link #attach}. Thread-safe.
 */
final class HttpWhiteboard implements ServiceTrackerCustomizer<HttpHandler, HttpHandler> {

    private static final System.Logger LOG = System.getLogger(HttpWhiteboard.class.getName());

    private final BundleContext context;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: path to the services claiming it. */
    private final Map<String, List<ServiceReference<HttpHandler>>> claims = new HashMap<>();
    /** Guarded by lock: the path each tracked service claims. */
    private final Map<ServiceReference<HttpHandler>, String> paths = new HashMap<>();
    /** Guarded by lock: the services' objects, obtained once each. */
    private final Map<ServiceReference<HttpHandler>, HttpHandler> handlers = new HashMap<>();
    /** Guarded by lock: path to the service routed there now. */
    private final Map<String, ServiceReference<HttpHandler>> routed = new HashMap<>();
    /** Guarded by lock: the servers routes go to. */
    private final List<WebSocketServer> servers = new ArrayList<>();

    HttpWhiteboard(BundleContext context) {
        this.context = context;
    }

    /** Adds {@code server} to those receiving routes and routes every current claim to it. */
    void attach(WebSocketServer server) {
        lock.lock();
        try {
            servers.add(server);
            routed.forEach((path, reference) -> server.get(path, handlers.get(reference)));
        } finally {
            lock.unlock();
        }
    }

    /** Stops routing to {@code server}. */
    void detach(WebSocketServer server) {
        lock.lock();
        try {
            servers.remove(server);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HttpHandler addingService(ServiceReference<HttpHandler> reference) {
        String path = pathOf(reference);
        if (path == null) {
            return null;
        }
        HttpHandler handler = context.getService(reference);
        if (handler == null) {
            return null;
        }
        lock.lock();
        try {
            handlers.put(reference, handler);
            claim(reference, path);
        } finally {
            lock.unlock();
        }
        return handler;
    }

    @Override
    public void modifiedService(ServiceReference<HttpHandler> reference, HttpHandler handler) {
        String path = pathOf(reference);
        lock.lock();
        try {
            unclaim(reference);
            if (path != null) {
                claim(reference, path);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removedService(ServiceReference<HttpHandler> reference, HttpHandler handler) {
        lock.lock();
        try {
            unclaim(reference);
            handlers.remove(reference);
        } finally {
            lock.unlock();
        }
        context.ungetService(reference);
    }

    /** Caller holds lock. */
    private void claim(ServiceReference<HttpHandler> reference, String path) {
        paths.put(reference, path);
        claims.computeIfAbsent(path, p -> new ArrayList<>()).add(reference);
        reselect(path);
    }

    /** Removes the claim of {@code reference} and reroutes its path; returns the path. Caller holds lock. */
    private String unclaim(ServiceReference<HttpHandler> reference) {
        String path = paths.remove(reference);
        if (path == null) {
            return null;
        }
        List<ServiceReference<HttpHandler>> list = claims.get(path);
        list.remove(reference);
        if (list.isEmpty()) {
            claims.remove(path);
        }
        if (reference.equals(routed.get(path))) {
            routed.remove(path); // rerouted afresh, even to the same service with new properties
        }
        reselect(path);
        return path;
    }

    /** Routes {@code path} to its best claim, or removes its route. Caller holds lock. */
    private void reselect(String path) {
        List<ServiceReference<HttpHandler>> list = claims.getOrDefault(path, List.of());
        ServiceReference<HttpHandler> best = list.isEmpty() ? null : Collections.max(list);
        if (best != null && best.equals(routed.get(path))) {
            return;
        }
        if (list.size() > 1) {
            LOG.log(Level.WARNING, "HTTP path {0} is claimed by {1} handlers; using {2}, ignoring the others",
                    path, list.size(), describe(best));
        }
        if (best == null) {
            routed.remove(path);
            servers.forEach(server -> server.removeGet(path));
            LOG.log(Level.INFO, "HTTP path {0} unregistered", path);
        } else {
            routed.put(path, best);
            HttpHandler handler = handlers.get(best);
            servers.forEach(server -> server.get(path, handler));
            LOG.log(Level.INFO, "HTTP path {0} registered: {1}", path, describe(best));
        }
    }

    private static String pathOf(ServiceReference<?> reference) {
        Object value = reference.getProperty(HttpHandler.PATH_PROPERTY);
        if (!(value instanceof String path) || !path.startsWith("/")) {
            LOG.log(Level.WARNING, "ignoring HttpHandler service of {0}: property {1} must be a path "
                    + "starting with '/', got {2}", describe(reference), HttpHandler.PATH_PROPERTY, value);
            return null;
        }
        return path;
    }

    private static String describe(ServiceReference<?> reference) {
        var bundle = reference.getBundle();
        return (bundle == null ? "an uninstalled bundle" : bundle.getSymbolicName() + " " + bundle.getVersion()
                + " [" + bundle.getBundleId() + "]") + " service " + reference.getProperty("service.id");
    }
}
