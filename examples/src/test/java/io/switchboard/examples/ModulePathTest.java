package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the tour's echo server and client as separate JVMs on a real {@code --module-path} made
 * of the built jars (no class path), and checks that the greeting comes back.
 */
@Timeout(60)
class ModulePathTest {

    private static final Path MODULES = Path.of("target", "modules");
    private static final Path CLASSES = Path.of("target", "classes");

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String modulePath() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> jars = Files.list(MODULES)) {
            jars.filter(p -> p.toString().endsWith(".jar")).forEach(p -> entries.add(p.toAbsolutePath().toString()));
        }
        entries.add(CLASSES.toAbsolutePath().toString()); // this module, exploded
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static ProcessBuilder module(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "--module-path", modulePath(),
                "-m", "io.switchboard.examples/io.switchboard.examples." + mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Feeds a process's output lines into a queue on a virtual thread, so reads can be bounded. */
    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        return queue;
    }

    @Test
    void moduleDescriptorsAreRealAndTheTransportIsAModule() throws Exception {
        try (Stream<Path> jars = Files.list(MODULES)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("switchboard-transport")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.contains("osgi") || n.contains("felix")),
                    "no OSGi jar on the module path: " + names);
        }
        Process p = new ProcessBuilder(java(), "--module-path", modulePath(), "--list-modules")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        for (String module : List.of("io.switchboard.api", "io.switchboard.transport",
                "io.switchboard.websocket", "io.switchboard.handlers.echo", "io.switchboard.examples")) {
            assertTrue(out.contains(module + "@") || out.contains(module + " "), module + " in\n" + out);
        }
    }

    @Test
    void echoServerAndClientRunOnTheModulePath() throws Exception {
        echoThrough("EchoServer");
    }

    @Test
    void theEchoHandlerBundleIsFoundThroughServiceLoaderOnTheModulePath() throws Exception {
        echoThrough("ServeHandlers");
    }

    @Test
    void theEmbeddingProgramFromTheReadmeRunsOnTheModulePath() throws Exception {
        Process p = module("Embedding").redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "Embedding did not end");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("listening on port \\d+\n"
                + "reply: Hello, WebSocket!\n"
                + "sessions: 1\n"
                + "after removeWebSocket: HTTP 404\n"
                + "stopped: running=false\n"), out);
    }

    @Test
    void theReadmeShowsTheEmbeddingProgramAsItIs() throws Exception {
        String start = "    public static void main(String[] args) throws Exception {\n";
        String file = Files.readString(Path.of("src/main/java/io/switchboard/examples/Embedding.java"));
        String readme = Files.readString(Path.of("..", "README.md"));
        String body = file.substring(file.indexOf(start), file.lastIndexOf("\n    }\n}"));
        assertTrue(readme.contains(body + "\n    }\n}\n```"), "README's Embedding program differs from Embedding.java");
    }

    private void echoThrough(String serverMain) throws Exception {
        Process server = module(serverMain, "127.0.0.1", "0").start();
        try {
            BlockingQueue<String> serverOut = lines(server);
            Matcher port = null;
            for (int i = 0; i < 20 && port == null; i++) {
                String line = serverOut.poll(20, TimeUnit.SECONDS);
                assertNotNull(line, "the echo server printed nothing");
                Matcher m = Pattern.compile("Listening on port (\\d+)").matcher(line);
                port = m.find() ? m : null;
            }
            assertNotNull(port, "no 'Listening on port' line");

            Process client = module("EchoClient", "ws://127.0.0.1:" + port.group(1) + "/ws").start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), "client did not end");
            assertEquals(0, client.exitValue(), out);
            assertEquals("Hello, WebSocket!", out.strip());
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
