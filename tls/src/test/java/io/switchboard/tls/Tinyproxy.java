package io.switchboard.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real HTTP proxy for the tests: Debian's {@code tinyproxy}, run in the foreground on a free
 * loopback port with a generated configuration that allows {@code CONNECT} to the given ports
 * only, optionally with Basic authentication. {@code .ci/run} installs it; where it is missing
 * the tests that need it are skipped. Its log is kept and shown only when a test fails.
 */
final class Tinyproxy implements AutoCloseable {

    private static final String READY = "Accepting connections";

    private final Process process;
    private final int port;
    private final List<String> log;

    private Tinyproxy(Process process, int port, List<String> log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Skips the calling test when tinyproxy is not installed. */
    static Path binary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "tinyproxy"))) {
                return Path.of(dir, "tinyproxy");
            }
        }
        Assumptions.abort("tinyproxy is not installed (.ci/run installs it)");
        throw new AssertionError("unreachable");
    }

    /**
     * Starts tinyproxy allowing {@code CONNECT} to {@code connectPorts}, asking for {@code user}
     * and {@code password} when {@code user} is not null; waits (bounded) until it accepts.
     */
    static Tinyproxy start(Path dir, List<Integer> connectPorts, String user, String password)
            throws IOException, InterruptedException {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken between probe and bind
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            StringBuilder conf = new StringBuilder()
                    .append("Port ").append(port).append('\n')
                    .append("Listen 127.0.0.1\n")
                    .append("Timeout 30\n")
                    .append("MaxClients 20\n")
                    .append("LogLevel Info\n")
                    .append("Allow 127.0.0.1\n");
            connectPorts.forEach(p -> conf.append("ConnectPort ").append(p).append('\n'));
            if (user != null) {
                conf.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
            }
            Path file = dir.resolve("tinyproxy-" + port + ".conf");
            Files.writeString(file, conf);
            Process process = new ProcessBuilder(binary.toString(), "-d", "-c", file.toString())
                    .redirectErrorStream(true).start();
            List<String> log = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        log.add(line);
                        if (line.contains(READY)) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    log.add("(log read failed: " + e + ")");
                } finally {
                    ready.countDown(); // exited: stop waiting
                }
            });
            if (ready.await(20, TimeUnit.SECONDS) && process.isAlive()
                    && log.stream().anyMatch(l -> l.contains(READY))) {
                return new Tinyproxy(process, port, log);
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            last = new IOException("tinyproxy did not start on port " + port + ":\n" + String.join("\n", log));
        }
        throw last;
    }

    int port() {
        return port;
    }

    /** What tinyproxy logged so far. */
    List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "tinyproxy on 127.0.0.1:" + port + ", log:\n" + String.join("\n", log);
    }
}
