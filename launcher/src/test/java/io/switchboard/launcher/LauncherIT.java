package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.ask;
import static io.switchboard.launcher.RunningLauncher.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * {@code java -jar launcher.jar} as a child process: the ready line, echo through it, SIGTERM
 * (Process.destroy() on Linux), exit codes. Runs in the integration-test phase, after the jar
 * is built.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherIT {

    private static final Path JAR = Path.of("target", "launcher.jar").toAbsolutePath();
    /** The java running the tests (the build's JDK 21+). */
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    /** A Java 17, to check the hand-over to a newer JDK; the test is skipped where there is none. */
    private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    private static final Duration READY = Duration.ofSeconds(20);
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final Pattern READY_LINE =
            Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws \\(deploy folder (.+?)\\)( features: .*)?");

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    private final List<Process> started = new ArrayList<>();

    /** A running child: its stdout lines as they come, its whole stderr once it ends. */
    private record Child(Process process, BlockingQueue<String> stdout, StringBuffer stderr) {

        /** Waits for the ready line; returns the port it names. */
        int awaitReady(Path deployFolder) throws InterruptedException {
            long deadline = System.nanoTime() + READY.toNanos();
            while (true) {
                String line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no ready line within " + READY.toSeconds() + " s; alive="
                            + process.isAlive() + ", stderr:\n" + stderr);
                }
                Matcher m = READY_LINE.matcher(line);
                if (m.matches()) {
                    assertEquals(deployFolder.toAbsolutePath().normalize().toString(), m.group(2));
                    return Integer.parseInt(m.group(1));
                }
            }
        }

        int awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "still running " + EXIT.toSeconds() + " s later; stderr:\n" + stderr);
            return process.exitValue();
        }
    }

    private Child launch(String java, String... args) throws IOException {
        return launchJar(java, JAR, args);
    }

    private Child launchJar(String java, Path jar, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase");
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().close();
        BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        StringBuffer stderr = new StringBuffer();
        pump(process.getInputStream(), line -> stdout.add(line));
        pump(process.getErrorStream(), line -> stderr.append(line).append('\n'));
        return new Child(process, stdout, stderr);
    }

    private static void pump(InputStream in, java.util.function.Consumer<String> lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
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

    private Child launchServing(String java) throws IOException {
        return launch(java, "--host", "127.0.0.1", "--port", "0", "--deploy", deploy.toString(),
                "--cache", cache.toString());
    }

    private void assertSigtermClosesSessionsWith1001AndExitsZero(Child child) throws Exception {
        int port = child.awaitReady(deploy);
        String url = "ws://127.0.0.1:" + port + "/ws";
        WebSocketClient once = new WebSocketClient(url);
        assertTrue(once.connect().isConnected());
        assertEquals("hello", ask(once, "hello"));
        once.close();
        WebSocketClient open = new WebSocketClient(url);
        assertTrue(open.connect().isConnected());
        assertEquals("still here", ask(open, "still here"));

        child.process().destroy(); // SIGTERM

        assertNull(read(open), "the server ends the session");
        assertEquals(1001, open.closeStatus().orElseThrow().code());
        assertEquals(0, child.awaitExit(), () -> "exit code; stderr:\n" + child.stderr());
    }

    @Test
    void sigtermClosesLiveSessionsWith1001AndExitsZero() throws Exception {
        assertSigtermClosesSessionsWith1001AndExitsZero(launchServing(JAVA));
    }

    @Test
    void onJava17ItHandsOverAndStillExitsZeroOnSigterm() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Child child = launchServing(JAVA_17.toString());
        assertSigtermClosesSessionsWith1001AndExitsZero(child);
        assertEquals(List.of(), child.process().descendants().filter(ProcessHandle::isAlive).toList(),
                "the JDK 21+ child ended with its parent");
    }

    @Test
    void badPortExitsWith2AndOneLine() throws Exception {
        Child child = launch(JAVA, "--port", "abc");
        assertEquals(2, child.awaitExit());
        BoundedWait.until(Duration.ofSeconds(5), "stderr read to its end", () -> child.stderr().length() > 0);
        assertEquals("switchboard: invalid value for --port: 'abc' (expected 0-65535)\n", child.stderr().toString());
        assertEquals(List.of(), List.copyOf(child.stdout()));
    }

    @Test
    void helpExitsWith0AndListsTheFlags() throws Exception {
        Child child = launch(JAVA, "--help");
        assertEquals(0, child.awaitExit());
        BoundedWait.until(Duration.ofSeconds(5), "usage printed", () -> child.stdout().stream().anyMatch(l -> l.matches("  --help +print this text")));
        assertTrue(child.stdout().stream().anyMatch(l -> l.startsWith("  --port <v>")), () -> child.stdout().toString());
        assertEquals("", child.stderr().toString());
    }

    @Test
    void onJava17ItHandsOverFromAFolderWithASpaceInItsName() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Path folder = Files.createDirectories(cache.resolve("a folder"));
        Path jar = Files.copy(JAR, folder.resolve("launcher.jar"));
        Child child = launchJar(JAVA_17.toString(), jar, "--help");
        assertEquals(0, child.awaitExit(), () -> "exit code; stderr:\n" + child.stderr());
        BoundedWait.until(Duration.ofSeconds(5), "usage printed", () -> child.stdout().stream().anyMatch(l -> l.matches("  --help +print this text")));
        assertEquals("", child.stderr().toString());
    }
}
