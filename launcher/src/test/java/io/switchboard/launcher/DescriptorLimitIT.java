package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The launcher under a low descriptor limit ({@code ulimit -n 256}): connections beyond what the
 * descriptors allow are answered 503 with Retry-After before the limit is reached, never left
 * hanging without an answer, and the server serves again once sessions end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DescriptorLimitIT {

    private static final Path JAR = Path.of("target", "launcher.jar").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final Pattern READY_LINE = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws .*");
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    private Process process;
    private final List<Socket> sockets = new ArrayList<>();
    private final StringBuffer output = new StringBuffer();

    @AfterEach
    void cleanUp() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectionsBeyondTheDescriptorLimitGet503NotSilence() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$0\" \"$@\"", JAVA, "-jar",
                JAR.toString(), "--host", "127.0.0.1", "--port", "0", "--deploy", deploy.toString(),
                "--cache", cache.toString(), "--ping-interval", "0");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.redirectErrorStream(true);
        process = builder.start();
        process.getOutputStream().close();
        int port = awaitReady(process.getInputStream());

        int upgraded = 0;
        int refused = 0;
        for (int i = 0; i < 400 && refused < 20; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
            String head;
            try {
                head = readHead(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                socket.close();
                fail("connection " + i + " (after " + upgraded + " sessions, " + refused
                        + " refused) got no answer within 10 s; launcher output:\n" + output);
                return;
            }
            if (head.startsWith("HTTP/1.1 101")) {
                upgraded++;
                sockets.add(socket); // hold the session and its descriptor
            } else {
                assertTrue(head.startsWith("HTTP/1.1 503"), head);
                assertTrue(head.contains("\r\nRetry-After: "), head);
                refused++;
                socket.close();
            }
        }
        assertEquals(20, refused, "the descriptor reserve refuses before the limit (" + upgraded + " sessions)");
        assertTrue(upgraded > 50, "sessions up to the reserve: " + upgraded);

        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        String url = "ws://127.0.0.1:" + port + "/ws";
        BoundedWait.until(RunningLauncher.STEP, "a session opens again once descriptors are free", () -> {
            WebSocketClient client = new WebSocketClient(url);
            try {
                return client.connect().isConnected() && RunningLauncher.ask(client, "back").equals("back");
            } finally {
                client.close();
            }
        });
    }

    private int awaitReady(InputStream in) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no ready line within 30 s; output:\n" + output);
            }
            Matcher m = READY_LINE.matcher(line);
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
    }

    /** Reads up to the blank line that ends an HTTP head. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream ended inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
