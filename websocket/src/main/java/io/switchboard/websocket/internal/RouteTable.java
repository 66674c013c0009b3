package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.RouteOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's paths and their handlers, with the two rules that let a handler be replaced
 * without failing anyone: a handshake for a path whose handler was just removed waits up to the
 * handover grace for a replacement (then 404), and the sessions of a removed handler go on
 * until the drain timeout, then are closed with 1012 if the path has a new handler, else 1001.
 * Lookups of a present route take no lock. Thread-safe.
 */
public final class RouteTable {

    private static final System.Logger LOG = System.getLogger(RouteTable.class.getName());

    /** A handler on a path, with the sessions it serves (so they can be drained when it goes). */
    public record Route(WebSocketHandler handler, RouteOptions options, Set<WebSocketSession> sessions) {
    }

    private final Duration handoverGrace;
    private final Duration drainTimeout;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** Path to the System.nanoTime() until which handshakes wait for a replacement handler. */
    private final Map<String, Long> handovers = new ConcurrentHashMap<>();
    /** Guards changes that handshakes wait on. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    public RouteTable(Duration handoverGrace, Duration drainTimeout) {
        this.handoverGrace = handoverGrace;
        this.drainTimeout = drainTimeout;
    }

    /** Routes {@code path} to {@code handler}, replacing any route there; wakes waiting handshakes. */
    public void put(String path, WebSocketHandler handler, RouteOptions options) {
        Route old;
        lock.lock();
        try {
            old = routes.get(path);
            // The same handler with new options keeps its sessions; another handler replaces it.
            Set<WebSocketSession> sessions = old != null && old.handler() == handler
                    ? old.sessions() : ConcurrentHashMap.newKeySet();
            routes.put(path, new Route(handler, options, sessions));
            handovers.remove(path);
            changed.signalAll();
            if (old != null && old.sessions() == sessions) {
                old = null;
            }
        } finally {
            lock.unlock();
        }
        if (old != null && !old.sessions().isEmpty()) {
            Route replaced = old;
            Timer.after(drainTimeout, () -> drain(path, replaced)); // the replaced handler's sessions
        }
    }

    /**
     * Counts {@code session} as served by {@code route}, found for {@code path} earlier; if the
     * route has been removed or replaced since, its sessions are drained like those it had then.
     */
    public void add(String path, Route route, WebSocketSession session) {
        route.sessions().add(session);
        boolean current;
        lock.lock(); // orders this check against remove() and put(), which change routes under the lock
        try {
            Route now = routes.get(path);
            current = now != null && now.sessions() == route.sessions();
        } finally {
            lock.unlock();
        }
        if (!current) {
            Timer.after(drainTimeout, () -> drain(path, route));
        }
    }

    /** Removes the route for {@code path}, starting its handover grace and drain; returns whether there was one. */
    public boolean remove(String path) {
        Route old;
        lock.lock();
        try {
            old = routes.remove(path);
            if (old != null && !handoverGrace.isZero()) {
                handovers.put(path, System.nanoTime() + handoverGrace.toNanos());
            }
        } finally {
            lock.unlock();
        }
        if (old == null) {
            return false;
        }
        if (!old.sessions().isEmpty()) {
            Timer.after(drainTimeout, () -> drain(path, old));
        }
        return true;
    }

    /** The route for {@code path}, waiting within a handover grace for a replacement; null if none. */
    public Route find(String path) throws InterruptedException {
        Route route = routes.get(path);
        if (route != null || !handovers.containsKey(path)) {
            return route;
        }
        lock.lock();
        try {
            while ((route = routes.get(path)) == null) {
                Long deadline = handovers.get(path);
                long left = deadline == null ? 0 : deadline - System.nanoTime();
                if (left <= 0) {
                    if (deadline != null) {
                        handovers.remove(path, deadline);
                    }
                    return null;
                }
                changed.awaitNanos(left);
            }
            return route;
        } finally {
            lock.unlock();
        }
    }

    /** The routed paths. */
    public Set<String> paths() {
        return routes.keySet();
    }

    /** On the timer: closes the sessions of a removed handler that outlived the drain timeout. */
    private void drain(String path, Route old) {
        if (old.sessions().isEmpty()) {
            return;
        }
        boolean replaced = routes.containsKey(path);
        CloseStatus status = replaced ? CloseStatus.SERVICE_RESTART : CloseStatus.GOING_AWAY;
        String reason = replaced ? "handler replaced" : "handler removed";
        LOG.log(Level.INFO, "{0}: closing {1} sessions of the {2} handler with {3}",
                path, old.sessions().size(), replaced ? "replaced" : "removed",
                Integer.toString(status.code())); // a String: MessageFormat would print "1,012"
        for (WebSocketSession session : old.sessions()) {
            Thread.ofVirtual().start(() -> session.close(status, reason));
        }
    }
}
