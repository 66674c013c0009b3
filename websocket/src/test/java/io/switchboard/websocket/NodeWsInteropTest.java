package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with Node's {@code ws}, the most used independent WebSocket implementation: its
 * client against our server and its server against our client, with and without
 * permessage-deflate. The peer (src/test/node/peer.mjs) is installed with {@code npm ci} from
 * the committed lockfile into target/node-peer. Needs {@code node} and {@code npm} on the PATH.
 */
@Timeout(120)
class NodeWsInteropTest {

    private static final Path SOURCE = Path.of("src", "test", "node");
    private static final Path PEER = Path.of("target", "node-peer");

    @BeforeAll
    static void installPeer() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "node and npm are not on the PATH");
        Files.createDirectories(PEER);
        try (var files = Files.list(SOURCE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, PEER.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(PEER.resolve("node_modules").resolve("ws"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-fund", "--no-audit").directory(PEER.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(npm.waitFor(120, TimeUnit.SECONDS), "npm ci did not finish");
            assertEquals(0, npm.exitValue(), "npm ci failed:\n" + out);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static Process node(String... args) throws IOException {
        return script("peer.mjs", args);
    }

    /** Runs {@code script} (a file of src/test/node) with node in the installed peer folder. */
    static Process script(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(PEER.toFile()).redirectErrorStream(true).start();
    }

    static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return queue;
    }

    @ParameterizedTest(name = "deflate {0}")
    @ValueSource(booleans = {false, true})
    void wsClientAgainstOurServer(boolean deflate) throws Exception {
        CompletableFuture<String> sawClose = new CompletableFuture<>();
        WebSocketServer server = new WebSocketServer(WebSocketOptions.builder().compression(deflate)
                .closeTimeout(Duration.ofSeconds(2)).build());
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
            sawClose.complete(ws.closeStatus().map(CloseStatus::code).orElse(0) + " " + ws.closeReason().orElse(""));
        });
        int port = server.start("127.0.0.1", 0);
        try {
            Process client = node("client", "ws://127.0.0.1:" + port + "/echo", Boolean.toString(deflate));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the ws client ended");
            String all = output.get(10, TimeUnit.SECONDS);
            List<String> seen = all.lines().toList();
            assertEquals(0, client.exitValue(), all);
            assertEquals("open extensions=" + (deflate ? "permessage-deflate" : "-"), seen.get(0), all);
            int greeting = "héllo wörld €😀".getBytes(StandardCharsets.UTF_8).length;
            for (String check : List.of("text " + greeting + " ok", "text 0 ok", "text 70000 ok", "binary 0 ok", "binary 125 ok",
                    "binary 126 ok", "binary 65536 ok", "binary 2097152 ok", "fragmented ok", "pong ok",
                    "closed 4001 node says bye", "done")) {
                assertTrue(seen.contains(check), check + " in\n" + all);
            }
            assertEquals("4001 node says bye", sawClose.get(10, TimeUnit.SECONDS));
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest(name = "deflate {0}")
    @ValueSource(booleans = {false, true})
    void ourClientAgainstWsServer(boolean deflate) throws Exception {
        Process server = node("server", Boolean.toString(deflate));
        try {
            BlockingQueue<String> out = lines(server);
            String first = out.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "the ws server printed no port");
            int port = Integer.parseInt(first.substring("port ".length()));
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(),
                    WebSocketOptions.builder().compression(deflate).closeTimeout(Duration.ofSeconds(2)).build());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(client.send("extensions?"));
            assertEquals(Message.text("extensions=" + (deflate ? "permessage-deflate" : "")), client.read());
            Random random = new Random(42);
            for (int size : List.of(0, 1, 125, 126, 65_535, 65_536, 3 * 1024 * 1024)) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                assertTrue(client.send(bytes));
                assertEquals(new Message.Binary(bytes), client.read(), size + " bytes");
                String text = "é€😀 ".repeat(size / 10);
                assertTrue(client.send(text));
                assertEquals(Message.text(text), client.read(), size / 10 + " repeats");
            }
            assertTrue(client.send("close 4002"));
            assertNull(client.read());
            assertEquals(CloseStatus.of(4002), client.closeStatus().orElseThrow());
            assertEquals("ws says bye", client.closeReason().orElseThrow());
            String closeLine = out.poll(10, TimeUnit.SECONDS);
            assertEquals("server saw close 4002 ws says bye", closeLine);
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
