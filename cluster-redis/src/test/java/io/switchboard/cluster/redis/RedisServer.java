package io.switchboard.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port, without persistence, for one test. Where the
 * binary is missing the test is skipped, except in CI ({@code CI} set), where {@code .ci/run}
 * installs it and a missing one fails.
 */
final class RedisServer implements AutoCloseable {

    private static final Path BINARY = locate();

    final int port;
    private Process process;
    private final StringBuffer output = new StringBuffer();

    private RedisServer(int port) {
        this.port = port;
    }

    private static Path locate() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) ? Path.of("/usr/bin/redis-server") : null;
    }

    /** Skips the test without redis-server (fails in CI). */
    static void assumeAvailable() {
        if (System.getenv("CI") != null) {
            assertTrue(BINARY != null, "redis-server is not installed; .ci/run installs it");
        }
        assumeTrue(BINARY != null, "redis-server is not installed (apt-get install redis-server)");
    }

    /** Starts one on a free port. */
    static RedisServer start() throws Exception {
        assumeAvailable();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(port);
        server.restart();
        return server;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (again, on the same port); returns once it accepts connections. */
    void restart() throws Exception {
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes")).redirectErrorStream(true).start();
        CountDownLatch ready = new CountDownLatch(1);
        Process p = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        });
        assertTrue(ready.await(20, TimeUnit.SECONDS), () -> "redis-server did not start:\n" + output);
    }

    /** Kills the process (SIGKILL: connections break without a goodbye) and waits for it to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
