package io.switchboard.admin.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.HttpHandler;
import io.switchboard.api.Response;
import io.switchboard.api.WebSocket;
import io.switchboard.api.WebSocketHandler;
import io.switchboard.websocket.ServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The handlers of the operations endpoints: health, readiness, metrics, the status page and
 * its live socket, over the data of the running servers. Health and readiness are open to all;
 * everything else answers only clients {@link AdminAccess} permits (403 or close 1008 for the
 * others). One ticker thread samples the rate history every {@value #SAMPLE_SECONDS} s and
 * pushes the status to the open status sockets every second. Thread-safe.
 */
public final class AdminRoutes {

    private static final System.Logger LOG = System.getLogger(AdminRoutes.class.getName());
    static final int SAMPLE_SECONDS = 5;
    /** Ten minutes of rate history. */
    static final int HISTORY_POINTS = 120;

    private final Supplier<List<ServerMetrics>> servers;
    private final Supplier<List<HandlerInfo>> handlers;
    private final DeployEvents deploys;
    private final AdminAccess access;
    private final RateHistory history = new RateHistory(HISTORY_POINTS);
    private final Set<WebSocket> feeds = ConcurrentHashMap.newKeySet();
    private final String page;
    /** False once the process is stopping or draining: /ready answers 503. */
    private volatile boolean ready = true;
    /** True while the cluster link (to Redis) is down: /ready still 200, saying so. */
    private volatile BooleanSupplier clusterDegraded = () -> false;
    private ScheduledExecutorService ticker;

    /**
     * @param livePath the path of the status page's socket, written into the page
     */
    public AdminRoutes(Supplier<List<ServerMetrics>> servers, Supplier<List<HandlerInfo>> handlers,
            DeployEvents deploys, AdminAccess access, String livePath) {
        this.servers = servers;
        this.handlers = handlers;
        this.deploys = deploys;
        this.access = access;
        this.page = loadPage().replace("__LIVE_PATH__", livePath);
    }

    private static String loadPage() {
        try (InputStream in = AdminRoutes.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the admin bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts sampling and pushing. */
    public void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "switchboard-admin"); // one for the bundle, not per connection
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::push, 1, 1, TimeUnit.SECONDS);
    }

    /** Stops the ticker and closes the status sockets with 1001. */
    public void stop() {
        ready = false;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        for (WebSocket ws : feeds) {
            Thread.ofVirtual().start(() -> ws.close(CloseStatus.GOING_AWAY, "admin stopping"));
        }
    }

    /** From now on /ready answers 503 (the process is stopping or draining). */
    public void notReady() {
        ready = false;
    }

    public boolean isReady() {
        return ready;
    }

    private void sample() {
        try {
            history.sample(servers.get(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status sample failed: {0}", e.toString());
        }
    }

    private void push() {
        if (feeds.isEmpty()) {
            return;
        }
        try {
            String status = status();
            for (WebSocket ws : feeds) {
                Thread.ofVirtual().start(() -> ws.send(status)); // a slow page delays no other
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status push failed: {0}", e.toString());
        }
    }

    /** The status page's data now. */
    public String status() {
        return StatusJson.of(ready, handlers.get(), servers.get(), history, deploys, System.currentTimeMillis());
    }

    /** All metric families now. */
    public List<Metric> metrics() {
        return MetricFamilies.of(servers.get(), deploys, ready);
    }

    /** {@code /health}: 200 while the process serves. */
    public HttpHandler health() {
        return request -> Response.text(200, "ok\n").withHeader("Cache-Control", "no-store");
    }

    /** Where {@code /ready} learns whether the cluster link is down. */
    public void clusterDegraded(BooleanSupplier degraded) {
        this.clusterDegraded = degraded;
    }

    /**
     * {@code /ready}: 200 while serving, 503 while stopping or draining. An instance whose cluster
     * link is down still serves its own subscribers, so it stays ready and says it is degraded
     * (taking every instance out when Redis goes would be an outage).
     */
    public HttpHandler readiness() {
        return request -> (!ready ? Response.text(503, "stopping\n")
                : clusterDegraded.getAsBoolean()
                        ? Response.text(200, "ready, degraded: the cluster link to Redis is down, topics reach this instance's subscribers only\n")
                        : Response.text(200, "ready\n"))
                .withHeader("Cache-Control", "no-store");
    }

    /** {@code /metrics}: the Prometheus text format. */
    public HttpHandler metricsPage() {
        return request -> access.permits(request)
                ? Response.of(200, "text/plain; version=0.0.4; charset=utf-8", Metric.text(metrics()))
                : Response.text(403, access.refusal());
    }

    /** The status page. */
    public HttpHandler statusPage() {
        return request -> access.permits(request)
                ? Response.of(200, "text/html; charset=utf-8", page).withHeader("Cache-Control", "no-store")
                        .withHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                                + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")
                : Response.text(403, access.refusal());
    }

    /** {@code status} as JSON over plain HTTP, for scripts. */
    public HttpHandler statusData() {
        return request -> access.permits(request)
                ? Response.of(200, "application/json", status()).withHeader("Cache-Control", "no-store")
                : Response.text(403, access.refusal());
    }

    /** The status page's socket: the status at once, then every second. */
    public WebSocketHandler feed() {
        return (request, ws) -> {
            if (!access.permits(request)) {
                ws.close(CloseStatus.POLICY_VIOLATION, "admin data: not allowed from this address");
                return;
            }
            feeds.add(ws);
            try {
                ws.send(status());
                while (ws.read() != null) {
                    // the page sends nothing; reading answers pings and sees the close
                }
            } finally {
                feeds.remove(ws);
            }
        };
    }
}
