package io.switchboard.admin.osgi;

import io.switchboard.admin.internal.AdminAccess;
import io.switchboard.admin.internal.AdminRoutes;
import io.switchboard.admin.internal.DeployEvents;
import io.switchboard.admin.internal.HandlerInfo;
import io.switchboard.admin.internal.MetricsBean;
import io.switchboard.api.HttpHandler;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ServerMetrics;
import io.switchboard.websocket.WebSocketServer;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.management.JMException;
import javax.management.ObjectName;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Serves the operations endpoints inside the launcher's framework through the WebSocket bundle's
 * whiteboards: {@code HttpHandler} services for health ({@code switchboard.admin.health}, default
 * {@code /health}), readiness ({@code switchboard.admin.ready}, {@code /ready}), metrics
 * ({@code switchboard.admin.metrics}, {@code /metrics}) and the status page
 * ({@code switchboard.admin.status}, {@code /}), and a {@code WebSocketHandler} for the page's
 * live socket; an empty path turns one off. Admin data is guarded by {@code switchboard.admin.allow}
 * and {@code switchboard.admin.token}. Registers the JMX bean {@code io.switchboard:type=Metrics},
 * and a {@code Consumer<Map<String, Object>>} service ({@code switchboard.admin.events=true})
 * through which the launcher reports deploy events and the start of its stop.
 */
public final class AdminActivator implements BundleActivator {

    private static final System.Logger LOG = System.getLogger(AdminActivator.class.getName());
    static final String BEAN = "io.switchboard:type=Metrics";

    private ServiceTracker<WebSocketServer, WebSocketServer> servers;
    private AdminRoutes routes;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ObjectName bean;

    @Override
    public void start(BundleContext context) throws Exception {
        servers = new ServiceTracker<>(context, WebSocketServer.class, null);
        servers.open();
        DeployEvents deploys = new DeployEvents();
        AdminAccess access = AdminAccess.of(property(context, "switchboard.admin.allow", ""),
                property(context, "switchboard.admin.token", ""));
        String status = property(context, "switchboard.admin.status", "/");
        String base = status.endsWith("/") ? status : status + "/";
        routes = new AdminRoutes(this::serverMetrics, () -> handlers(context), deploys, access, base + "_live");
        http(context, property(context, "switchboard.admin.health", "/health"), routes.health());
        routes.clusterDegraded(() -> clusterDegraded(context));
        http(context, property(context, "switchboard.admin.ready", "/ready"), routes.readiness());
        http(context, property(context, "switchboard.admin.metrics", "/metrics"), routes.metricsPage());
        if (!status.isEmpty()) {
            http(context, status, routes.statusPage());
            http(context, base + "_status", routes.statusData());
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(WebSocketHandler.PATH_PROPERTY, base + "_live");
            registrations.add(context.registerService(WebSocketHandler.class, routes.feed(), p));
        }
        Consumer<Map<String, Object>> events = event -> {
            if ("stopping".equals(event.get("kind"))) {
                routes.notReady();
            } else {
                deploys.accept(event);
            }
        };
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("switchboard.admin.events", Boolean.TRUE);
        registrations.add(context.registerService(Consumer.class.getName(), events, p));
        try {
            bean = new ObjectName(BEAN);
            var server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(bean)) {
                server.unregisterMBean(bean); // left by an earlier framework in this JVM (tests)
            }
            server.registerMBean(new MetricsBean(routes::metrics), bean);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "metrics JMX bean not registered: {0}", e.toString());
            bean = null;
        }
        routes.start();
    }

    /** Whether a cluster relay (the cluster-redis bundle's TopicRelay service) says its link is down. */
    private static boolean clusterDegraded(BundleContext context) {
        try {
            return context.getAllServiceReferences("io.switchboard.api.spi.TopicRelay",
                    "(switchboard.cluster.connected=false)") != null;
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return false;
        }
    }

    private void http(BundleContext context, String path, HttpHandler handler) {
        if (path.isEmpty()) {
            return;
        }
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HttpHandler.PATH_PROPERTY, path);
        registrations.add(context.registerService(HttpHandler.class, handler, p));
    }

    private List<ServerMetrics> serverMetrics() {
        List<ServerMetrics> all = new ArrayList<>();
        Object[] services = servers.getServices();
        if (services != null) {
            for (Object s : services) {
                all.add(((WebSocketServer) s).metrics());
            }
        }
        return all;
    }

    /** Every handler service with a path, as the status page lists them. */
    private static List<HandlerInfo> handlers(BundleContext context) {
        List<HandlerInfo> list = new ArrayList<>();
        collect(context, WebSocketHandler.class.getName(), WebSocketHandler.PATH_PROPERTY, "websocket", list);
        collect(context, HttpHandler.class.getName(), HttpHandler.PATH_PROPERTY, "http", list);
        list.sort(Comparator.comparing(HandlerInfo::path).thenComparing(HandlerInfo::kind));
        return list;
    }

    private static void collect(BundleContext context, String type, String property, String kind, List<HandlerInfo> out) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(type, null);
            if (references == null) {
                return;
            }
            for (ServiceReference<?> r : references) {
                Object path = r.getProperty(property);
                Bundle b = r.getBundle();
                if (path instanceof String p && b != null) {
                    out.add(new HandlerInfo(kind, p, b.getSymbolicName(), b.getVersion().toString(), state(b.getState())));
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            default -> "UNINSTALLED";
        };
    }

    private static String property(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        return value == null ? fallback : value.strip();
    }

    @Override
    public void stop(BundleContext context) {
        routes.stop();
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
        });
        registrations.clear();
        if (bean != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(bean);
            } catch (JMException e) {
                // gone already
            }
        }
        servers.close();
    }
}
