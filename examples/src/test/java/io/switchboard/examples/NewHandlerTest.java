package io.switchboard.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.websocket.WebSocketClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/new-handler as a handler author runs it: a new project outside the checkout, built with
 * its own ./mvnw (Switchboard's wrapper) with no JAVA_HOME, whatever {@code java} is on the
 * PATH (17 on the build machines), offline, and without installing Switchboard; then deployed
 * into launcher.jar and reconfigured by a config file, as the README's first-handler steps go.
 */
@Timeout(300)
class NewHandlerTest {

    private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();
    private static final Path LAUNCHER = Path.of("..", "launcher", "target", "launcher.jar").toAbsolutePath().normalize();
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Pattern READY = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws");

    @TempDir
    Path dir;

    /** Exit code, and stdout and stderr together, of a command run in {@code cwd}. */
    private record Run(int exit, String output) {
    }

    private Run run(Path cwd, long timeoutSeconds, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME"); // the wrapper must find a JDK 21+ by itself
        env.keySet().removeIf(k -> k.startsWith("MAVEN_") && !k.equals("MAVEN_USER_HOME"));
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " still running after " + timeoutSeconds
                    + " s:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The last 150 lines: enough to see a failing build's reason. */
    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
    }

    @Test
    void aNewProjectBuildsOfflineWithTheWrapperDeploysAndFollowsItsConfigFile() throws Exception {
        Run made = run(dir, 60, BIN.resolve("new-handler").toString(), "shout", dir.toString());
        Path project = dir.resolve("shout");
        assertEquals(0, made.exit(), made.output());
        assertTrue(made.output().startsWith("Created " + project + ": ShoutHandler on /shout\n"), made.output());
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/example/shout/ShoutHandler.java")));

        // -o with file repositories still allowed: nothing may come from the network.
        Run build = run(project, 280, project.resolve("mvnw").toString(), "-B", "-o",
                "-Daether.offline.protocols=file", "verify");
        assertEquals(0, build.exit(), () -> tail(build.output()));
        assertTrue(build.output().contains("Downloaded from switchboard: file://" + project.toUri().getPath()
                + "switchboard-repo/io/switchboard/switchboard-api/"),
                () -> "switchboard-api from the project's own repository:\n" + tail(build.output()));

        try (JarFile jar = new JarFile(project.resolve("target/shout-1.0.0.jar").toFile())) {
            assertEquals("OSGI-INF/com.example.shout.ShoutHandler.xml",
                    jar.getManifest().getMainAttributes().getValue("Service-Component"));
            String component = new String(jar.getInputStream(jar.getEntry("OSGI-INF/com.example.shout.ShoutHandler.xml"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(component.contains("name=\"switchboard.websocket.path\" type=\"String\" value=\"/shout\""), component);
        }
        String report = Files.readString(project.resolve("target/failsafe-reports/TEST-com.example.shout.ShoutHandlerIT.xml"));
        assertTrue(report.contains("tests=\"1\" errors=\"0\" skipped=\"0\" failures=\"0\""), report);

        deployAndReconfigure(project.resolve("target/shout-1.0.0.jar"));
    }

    /**
     * The rest of a newcomer's five minutes: the jar dropped into a running launcher.jar's
     * deploy folder serves /shout; a config file beside it changes the greeting of the session
     * already open, without a redeploy.
     */
    private void deployAndReconfigure(Path jar) throws Exception {
        Path handlers = Files.createDirectories(dir.resolve("handlers"));
        Path output = dir.resolve("launcher.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", LAUNCHER.toString(), "--host", "127.0.0.1",
                "--port", "0", "--deploy", handlers.toString(), "--cache", dir.resolve("cache").toString(),
                "--scan-interval", "50ms", "--quiet-period", "200ms")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process launcher = builder.start();
        try {
            launcher.getOutputStream().close();
            long deadline = System.nanoTime() + STEP.toNanos();
            Matcher ready = READY.matcher("");
            while (!ready.find()) {
                assertTrue(launcher.isAlive() && System.nanoTime() < deadline, () -> "no ready line:\n" + read(output));
                launcher.waitFor(50, TimeUnit.MILLISECONDS); // bounded pause between looks at the log
                ready = READY.matcher(read(output));
            }
            String url = "ws://127.0.0.1:" + ready.group(1) + "/shout";

            Files.copy(jar, handlers.resolve("shout.jar.tmp"));
            Files.move(handlers.resolve("shout.jar.tmp"), handlers.resolve("shout.jar"), StandardCopyOption.ATOMIC_MOVE);
            WebSocketClient client = new WebSocketClient(url);
            while (!client.connect().isConnected()) { // 404 until the jar is deployed
                assertTrue(System.nanoTime() < deadline, () -> "/shout never opened:\n" + read(output));
                launcher.waitFor(50, TimeUnit.MILLISECONDS);
            }
            try {
                assertEquals("Hello, x!", ask(client, "x"));
                Path cfg = handlers.resolve("com.example.shout.ShoutHandler.cfg");
                Files.writeString(handlers.resolve("cfg.tmp"), "greeting = Hi\n");
                Files.move(handlers.resolve("cfg.tmp"), cfg, StandardCopyOption.ATOMIC_MOVE);
                long configured = System.nanoTime() + STEP.toNanos();
                String reply;
                while (!(reply = ask(client, "x")).equals("Hi, x!")) { // the same session, reconfigured
                    assertEquals("Hello, x!", reply);
                    assertTrue(System.nanoTime() < configured, () -> "the greeting never changed:\n" + read(output));
                    launcher.waitFor(50, TimeUnit.MILLISECONDS);
                }
            } finally {
                client.close();
            }
        } finally {
            launcher.destroy();
            if (!launcher.waitFor(20, TimeUnit.SECONDS)) {
                launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends {@code text} and returns the reply, bounded by {@link #STEP}. */
    private static String ask(WebSocketClient client, String text) throws Exception {
        assertTrue(client.send(text), "send");
        CompletableFuture<Message> reply = CompletableFuture.supplyAsync(client::read, r -> Thread.ofVirtual().start(r));
        try {
            return ((Message.Text) reply.get(STEP.toMillis(), TimeUnit.MILLISECONDS)).text();
        } catch (TimeoutException e) {
            client.close();
            throw new AssertionError("no reply within " + STEP.toSeconds() + " s");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void anExistingFolderIsLeftAloneWithOneLine() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("shout"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        Run run = run(dir, 60, BIN.resolve("new-handler").toString(), "shout");
        assertEquals(new Run(1, "new-handler: " + existing + " already exists\n"), run);
        assertEquals(List.of(existing.resolve("keep.txt")), list(existing));
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return new ArrayList<>(files.toList());
        }
    }
}
