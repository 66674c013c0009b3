package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/runtime-image} builds a folder that runs with no JDK: its {@code bin/switchboard}
 * starts on the jlink runtime inside (no JAVA_HOME, no java on the PATH), serves echo, and stops
 * with exit code 0 on SIGTERM. Linking the runtime takes about a minute on a busy two-core
 * machine, so it runs when asked: {@code ./mvnw -B verify -Dswitchboard.image=true}.
 */
@EnabledIfSystemProperty(named = "switchboard.image", matches = "true")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RuntimeImageIT {

    private static final Path SCRIPT = Path.of("..", "bin", "runtime-image").toAbsolutePath().normalize();
    private static final Pattern READY = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws .*");

    @TempDir
    Path work;

    private static String run(ProcessBuilder builder) throws Exception {
        Process p = builder.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "finished: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theImageStartsWithoutAJdkAndEchoes() throws Exception {
        Path image = work.resolve("switchboard");
        String built = run(new ProcessBuilder(SCRIPT.toString(), image.toString()));
        assertTrue(built.contains("runtime image: " + image), built);
        assertTrue(Files.isRegularFile(work.resolve("switchboard.tar.gz")));
        assertTrue(Files.isExecutable(image.resolve("runtime/bin/java")));
        assertTrue(Files.notExists(image.resolve("runtime/bin/javac")), "a runtime, not a JDK");

        // A PATH with a shell and dirname only: no java anywhere the script could find one.
        Path tools = Files.createDirectories(work.resolve("tools"));
        for (String tool : List.of("sh", "dirname")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of("/bin", tool).toRealPath());
        }
        ProcessBuilder start = new ProcessBuilder(image.resolve("bin/switchboard").toString(), "--host", "127.0.0.1",
                "--port", "0", "--deploy", work.resolve("handlers").toString(), "--cache", work.resolve("cache").toString());
        Map<String, String> env = start.environment();
        env.remove("JAVA_HOME");
        env.remove("JAVA_TOOL_OPTIONS");
        env.put("PATH", tools.toString());
        Process server = start.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        Matcher m = READY.matcher(line);
                        if (m.matches()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    // ended
                }
                port.completeExceptionally(new AssertionError("no ready line"));
            });
            int p = port.get(60, TimeUnit.SECONDS);
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + p + "/ws");
            assertTrue(client.connect().isConnected());
            assertEquals("from the image", ask(client, "from the image"));
            client.close();
            server.destroy(); // SIGTERM, to the JVM itself (the script execs it)
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, server.exitValue());
        } finally {
            server.destroyForcibly();
        }
    }
}
