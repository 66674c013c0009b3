package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
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

    private static final Path JAR = Path.of("target", "launcher.jar").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Pattern READY_LINE = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws .*");

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    /** Put after a stream's last line. */
    private static final String END = "<end of stream>";

    private final List<Process> started = new ArrayList<>();

    private record Child(Process process, BlockingQueue<String> stdout, BlockingQueue<String> stderr) {

        String awaitLine(BlockingQueue<String> lines, Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + STEP.toNanos();
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line matching " + pattern + " within " + STEP.toSeconds() + " s; alive="
                            + process.isAlive());
                }
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
        }

        int awaitReady() throws InterruptedException {
            Matcher m = READY_LINE.matcher(awaitLine(stdout, READY_LINE));
            assertTrue(m.matches());
            return Integer.parseInt(m.group(1));
        }

        int awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(STEP.toMillis(), TimeUnit.MILLISECONDS), "still running");
            return process.exitValue();
        }
    }

    private Child launch(String java, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase");
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().close();
        BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
        return new Child(process, stdout, stderr);
    }

    private Child launchServing(String java, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--deploy", deploy.toString(),
                "--cache", cache.toString()));
        args.addAll(List.of(flags));
        return launch(java, args.toArray(String[]::new));
    }

    private static void pump(InputStream in, BlockingQueue<String> lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
            lines.add(END);
        });
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static PlainGet get(int port, String path) throws IOException {
        return PlainGet.get(port, path);
    }

    /** Polls {@code condition} (which may throw: not yet) until it holds or {@code limit} passes. */
    private static boolean poll(Duration limit, java.util.concurrent.Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                if (condition.call()) {
                    return true;
                }
            } catch (Exception e) {
                // not yet
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval of a bounded wait on another process
        }
        return false;
    }

    @Test
    void versionPrintsTheVersionAndCommitAndExitsZero() throws Exception {
        Child child = launch(JAVA, "--version");
        assertEquals(0, child.awaitExit());
        String line = child.awaitLine(child.stdout(), Pattern.compile("^Switchboard "));
        assertTrue(line.matches("Switchboard \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{7,}\\)"), line);
    }

    @Test
    void healthReadyMetricsAccessLogAndReadyTurning503WhileStopping() throws Exception {
        Child child = launchServing(JAVA, "--stop-delay", "3s");
        int port = child.awaitReady();
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
        String access = child.awaitLine(child.stderr(), Pattern.compile("io\\.switchboard\\.access: session "));
        assertTrue(access.matches(".* INFO io\\.switchboard\\.access: session remote=127\\.0\\.0\\.1:\\d+ path=\"/ws\" "
                + "subprotocol=\"-\" duration_ms=\\d+ messages_in=1 bytes_in=\\d+ messages_out=1 bytes_out=\\d+ "
                + "close_sent=4000 close_received=4000 closed_by=client"), access);

        child.process().destroy(); // SIGTERM: /ready answers 503 for the stop delay, then the server stops
        assertTrue(poll(STEP, () -> get(port, "/ready").status() == 503), "/ready turns 503");
        assertEquals(200, get(port, "/health").status(), "still live while draining");
        assertEquals(0, child.awaitExit());
    }

    @Test
    void jsonLogLinesCarryTheAccessFields() throws Exception {
        Child json = launchServing(JAVA, "--log-format", "json");
        int port = json.awaitReady();
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/ws");
        assertTrue(client.connect().isConnected());
        assertEquals("x", ask(client, "x"));
        client.close();
        String line = json.awaitLine(json.stderr(), Pattern.compile("\"logger\":\"io\\.switchboard\\.access\""));
        assertTrue(line.startsWith("{\"time\":\"") && line.endsWith("}"), line);
        assertTrue(line.contains("\"path\":\"/ws\"") && line.contains("\"messages_in\":1")
                && line.contains("\"close_received\":\"1000\"") && line.contains("\"closed_by\":\"client\""), line);

        json.process().destroy();
        assertEquals(0, json.awaitExit());
    }

    @Test
    void theAccessLogCanBeTurnedOff() throws Exception {
        // At DEBUG, so that a refused request (logged at DEBUG) marks how far the log has come.
        Child quiet = launchServing(JAVA, "--access-log", "false", "--log-level", "debug");
        int quietPort = quiet.awaitReady();
        WebSocketClient other = new WebSocketClient("ws://127.0.0.1:" + quietPort + "/ws");
        assertTrue(other.connect().isConnected());
        assertEquals("y", ask(other, "y"));
        other.close();
        assertTrue(poll(STEP, () -> PlainGet.get(quietPort, "/_status").body().contains("\"sessionCount\":0")),
                "the session ended");
        // A 405 is logged after the session's end: once its line is there, an access line would be too.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", quietPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readAllBytes();
        }
        List<String> lines = new ArrayList<>();
        assertTrue(poll(STEP, () -> {
            quiet.stderr().drainTo(lines);
            return lines.stream().anyMatch(l -> l.contains("HTTP request refused with 405"));
        }), () -> "stderr: " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.contains("io.switchboard.access")), lines.toString());
    }

    @Test
    void theChildOfAJava17LaunchDiesWithItsParentEvenOnSigkill() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Child child = launchServing(JAVA_17.toString());
        int port = child.awaitReady();
        List<ProcessHandle> jvm21 = child.process().children().toList();
        assertEquals(1, jvm21.size(), "one JDK 21+ child");

        child.process().destroyForcibly(); // SIGKILL: the parent cannot pass anything on

        assertTrue(jvm21.get(0).onExit().get(STEP.toSeconds(), TimeUnit.SECONDS) != null);
        assertFalse(jvm21.get(0).isAlive());
        assertTrue(poll(STEP, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException e) {
                return true; // the port is free again
            }
        }), "the port is released");
    }

    @Test
    void exitCodesPassThroughTheHandOver() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        assertEquals(2, launch(JAVA_17.toString(), "--port", "abc").awaitExit());
        assertEquals(0, launch(JAVA_17.toString(), "--version").awaitExit());
    }
}
