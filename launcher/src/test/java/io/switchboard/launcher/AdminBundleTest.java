package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.WebSocketClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin bundle in an in-process launcher: the JMX bean carries the numbers of /metrics, a
 * deployed handler bundle shows up as a deploy event in both the metrics and the status data,
 * and moved or disabled endpoints answer where the flags say.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminBundleTest {

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    @Test
    void theJmxBeanShowsTheSameNumbersAsMetrics() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            WebSocketClient client = launcher.open("/ws");
            try {
                assertEquals("jmx", RunningLauncher.ask(client, "jmx"));
                var server = ManagementFactory.getPlatformMBeanServer();
                ObjectName bean = new ObjectName("io.switchboard:type=Metrics");
                assertEquals(1.0, server.getAttribute(bean, "switchboard_sessions_open{path=\"/ws\"}"));
                assertEquals(1.0, server.getAttribute(bean, "switchboard_messages_received_total{path=\"/ws\"}"));
                String metrics = PlainGet.get(launcher.port, "/metrics").body();
                assertTrue(metrics.contains("\nswitchboard_sessions_open{path=\"/ws\"} 1\n"), metrics);
                assertTrue(server.getMBeanInfo(bean).getAttributes().length > 20);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aDeployedHandlerIsADeployEventAndMovedEndpointsAnswerWhereTheFlagsSay() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache, "--status-path", "/admin/",
                "--metrics-path", "/prom", "--health", "false")) {
            TestBundles.handler("test.ops").writeTo(deploy.resolve("ops.jar"));
            launcher.awaitReply("/t", "v1:");
            BoundedWait.until(RunningLauncher.STEP, "an installed event", () -> {
                try {
                    return PlainGet.get(launcher.port, "/prom").body()
                            .contains("\nswitchboard_deploy_events_total{kind=\"installed\"} 1\n");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            String status = PlainGet.get(launcher.port, "/admin/_status").body();
            assertTrue(status.contains("\"kind\":\"installed\",\"message\":\"") && status.contains("ops.jar"), status);
            assertTrue(status.contains("\"path\":\"/t\",\"bundle\":\"test.ops\",\"version\":\"1.0.0\",\"state\":\"ACTIVE\""),
                    status);
            assertEquals(200, PlainGet.get(launcher.port, "/admin/").status());
            assertTrue(PlainGet.get(launcher.port, "/admin/").body().contains("const LIVE_PATH = \"/admin/_live\";"));
            assertEquals(404, PlainGet.get(launcher.port, "/health").status(), "--health false");
            assertEquals(404, PlainGet.get(launcher.port, "/metrics").status(), "moved to /prom");
        }
    }
}
