package io.switchboard.launcher;

import static io.switchboard.launcher.LauncherProcesses.JAR;
import static io.switchboard.launcher.LauncherProcesses.JAVA;
import static io.switchboard.launcher.LauncherProcesses.JAVA_17;
import static io.switchboard.launcher.RunningLauncher.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.launcher.LauncherProcesses.Child;
import io.switchboard.websocket.WebSocketClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of {@code java -jar launcher.jar} as a child process: --version, /health,
 * /ready turning 503 during a SIGTERM stop, /metrics showing a session, the access log line (text
 * and JSON), and one process: the JDK 21+ child of a Java 17 launch dies with its parent, even
 * on SIGKILL.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OperationsIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    @AutoClose
    private final LauncherProcesses children = new LauncherProcesses();

    private static PlainGet get(int port, String path) throws IOException {
        return PlainGet.get(port, path);
    }

    /** Whether {@code condition} holds now; one that throws (the other process is not there yet) does not. */
    private static boolean holds(Callable<Boolean> condition) {
        try {
            return condition.call();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void versionPrintsTheVersionAndCommitAndExitsZero() throws Exception {
        Child child = children.launch(JAVA, JAR, "--version");
        assertEquals(0, child.awaitExit(STEP));
        String line = child.stdout().await(Pattern.compile("^Switchboard "), STEP);
        assertTrue(line.matches("Switchboard \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{7,}\\)"), line);
    }

    @Test
    void healthReadyMetricsAccessLogAndReadyTurning503WhileStopping() throws Exception {
        Child child = children.launchServing(JAVA, deploy, cache, "--stop-delay", "3s");
        int port = child.awaitReady(deploy, STEP);
        assertEquals(200, get(port, "/health").status());
        assertEquals("ready\n", get(port, "/ready").body());

        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
        assertTrue(client.connect().isConnected());
        assertEquals("hello", ask(client, "hello"));
        String metrics = get(port, "/metrics").body();
        assertTrue(metrics.contains("\nswitchboard_sessions_open{path=\"/ws\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nswitchboard_messages_received_total{path=\"/ws\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nswitchboard_handshakes_total{status=\"101\"} 1\n"), metrics);
        assertTrue(metrics.contains("# TYPE switchboard_heartbeat_rtt_seconds summary\n"), metrics);
        String status = get(port, "/_status").body();
        assertTrue(status.contains("\"sessionCount\":1"), status);
        assertTrue(status.contains("\"bundle\":\"io.switchboard.handlers.echo\""), status);

        client.close(CloseStatus.of(4000), "done");
        String access = child.stderr().await(Pattern.compile("io\\.switchboard\\.access: session "), STEP);
        assertTrue(access.matches(".* INFO io\\.switchboard\\.access: session remote=127\\.0\\.0\\.1:\\d+ path=\"/ws\" "
                + "subprotocol=\"-\" duration_ms=\\d+ messages_in=1 bytes_in=\\d+ messages_out=1 bytes_out=\\d+ "
                + "close_sent=4000 close_received=4000 closed_by=client"), access);

        child.process().destroy(); // SIGTERM: /ready answers 503 for the stop delay, then the server stops
        BoundedWait.until(STEP, "/ready turns 503", () -> holds(() -> get(port, "/ready").status() == 503));
        assertEquals(200, get(port, "/health").status(), "still live while draining");
        assertEquals(0, child.awaitExit(STEP));
    }

    @Test
    void jsonLogLinesCarryTheAccessFields() throws Exception {
        Child json = children.launchServing(JAVA, deploy, cache, "--log-format", "json");
        int port = json.awaitReady(deploy, STEP);
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
        assertTrue(client.connect().isConnected());
        assertEquals("x", ask(client, "x"));
        client.close();
        String line = json.stderr().await(Pattern.compile("\"logger\":\"io\\.switchboard\\.access\""), STEP);
        assertTrue(line.startsWith("{\"time\":\"") && line.endsWith("}"), line);
        assertTrue(line.contains("\"path\":\"/ws\"") && line.contains("\"messages_in\":1")
                && line.contains("\"close_received\":\"1000\"") && line.contains("\"closed_by\":\"client\""), line);

        json.process().destroy();
        assertEquals(0, json.awaitExit(STEP));
    }

    @Test
    void theAccessLogCanBeTurnedOff() throws Exception {
        // At DEBUG, so that a refused request (logged at DEBUG) marks how far the log has come.
        Child quiet = children.launchServing(JAVA, deploy, cache, "--access-log", "false", "--log-level", "debug");
        int quietPort = quiet.awaitReady(deploy, STEP);
        WebSocketClient other = new WebSocketClient("ws://127.0.0.1:" + quietPort + "/ws");
        assertTrue(other.connect().isConnected());
        assertEquals("y", ask(other, "y"));
        other.close();
        BoundedWait.until(STEP, "the session ended",
                () -> holds(() -> get(quietPort, "/_status").body().contains("\"sessionCount\":0")));
        // A 405 is logged after the session's end: once its line is there, an access line would be too.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", quietPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readAllBytes();
        }
        quiet.stderr().await(Pattern.compile("HTTP request refused with 405"), STEP);
        List<String> lines = quiet.stderr().lines();
        assertFalse(lines.stream().anyMatch(l -> l.contains("io.switchboard.access")), lines.toString());
    }

    @Test
    void theChildOfAJava17LaunchDiesWithItsParentEvenOnSigkill() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Child child = children.launchServing(JAVA_17.toString(), deploy, cache);
        int port = child.awaitReady(deploy, STEP);
        List<ProcessHandle> jvm21 = child.process().children().toList();
        assertEquals(1, jvm21.size(), "one JDK 21+ child");

        child.process().destroyForcibly(); // SIGKILL: the parent cannot pass anything on

        assertTrue(jvm21.get(0).onExit().get(STEP.toSeconds(), TimeUnit.SECONDS) != null);
        assertFalse(jvm21.get(0).isAlive());
        BoundedWait.until(STEP, "the port is released", () -> holds(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException e) {
                return true; // the port is free again
            }
        }));
    }

    @Test
    void exitCodesPassThroughTheHandOver() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        assertEquals(2, children.launch(JAVA_17.toString(), JAR, "--port", "abc").awaitExit(STEP));
        assertEquals(0, children.launch(JAVA_17.toString(), JAR, "--version").awaitExit(STEP));
    }
}
