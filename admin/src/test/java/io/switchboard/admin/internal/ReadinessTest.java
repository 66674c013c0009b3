package io.switchboard.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /ready: ready, degraded while the cluster link is down (still 200), 503 once stopping. */
class ReadinessTest {

    private static String body(Response response) throws Exception {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aDegradedClusterLinkIsReportedWithoutTakingTheInstanceOut() throws Exception {
        AdminRoutes routes = new AdminRoutes(List::of, List::of, new DeployEvents(), AdminAccess.of("", ""), "/_live");
        AtomicBoolean degraded = new AtomicBoolean();
        routes.clusterDegraded(degraded::get);
        Response ready = routes.readiness().handle(null);
        assertEquals(200, ready.status());
        assertEquals("ready\n", body(ready));
        degraded.set(true);
        Response down = routes.readiness().handle(null);
        assertEquals(200, down.status());
        assertEquals("ready, degraded: the cluster link to Redis is down, topics reach this instance's subscribers only\n",
                body(down));
        routes.notReady();
        assertEquals(503, routes.readiness().handle(null).status());
    }
}
