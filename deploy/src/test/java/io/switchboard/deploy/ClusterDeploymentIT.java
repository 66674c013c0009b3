package io.switchboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.WebSocket;
import io.switchboard.websocket.ReconnectingWebSocketClient;
import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real deployment on loopback: redis-server, three {@code java -jar launcher.jar
 * --cluster-redis ...} instances with the chat handler bundle in their deploy folders, and two
 * load balancers in front of them, HAProxy from {@code deploy/haproxy.cfg} and nginx from
 * {@code deploy/nginx.conf}, ports replaced. Clients connect through both (round robin spreads
 * them over the instances); every message reaches every client whatever instance and balancer
 * it came through. Then one instance gets SIGTERM: its clients get 1001, connect again through
 * their balancer by themselves (ReconnectingWebSocketClient), land on the others, and receive
 * again.
 *
 * <p>Needs {@code redis-server}, {@code haproxy} and {@code nginx}: {@code .ci/run} installs them;
 * elsewhere the test is skipped without them (in CI, where {@code CI} is set, it fails).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterDeploymentIT {

    private static final Path LAUNCHER = Path.of("..", "launcher", "target", "launcher.jar").toAbsolutePath().normalize();
    private static final Path HAPROXY_CFG = Path.of("haproxy.cfg").toAbsolutePath();
    private static final Path NGINX_CONF = Path.of("nginx.conf").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final Duration STEP = Duration.ofSeconds(20);
    /** Three JVMs booting Felix at once on a busy machine take a while. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws .*");
    /** Clients per load balancer. */
    private static final int CLIENTS = 6;

    @TempDir
    Path work;

    private final List<Child> children = new ArrayList<>();
    private final List<WebSocket> clients = new ArrayList<>();

    /** A child process with its output (stdout and stderr together) collected line by line. */
    private static final class Child {
        final String name;
        final Process process;
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        Child(String name, ProcessBuilder builder) throws IOException {
            this.name = name;
            this.process = builder.redirectErrorStream(true).start();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // ended
                }
            });
        }

        Optional<String> line(Predicate p) {
            return lines.stream().filter(p::test).findFirst();
        }

        String output() {
            return name + " output:\n" + String.join("\n", lines);
        }
    }

    /** A line test (a named type keeps the helper readable). */
    private interface Predicate {
        boolean test(String line);
    }

    private static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if (System.getenv("CI") != null) {
            throw new AssertionError(name + " is not installed; .ci/run installs it");
        }
        assumeTrue(false, name + " is not installed (apt-get install " + (name.equals("redis-server") ? "redis-server" : name) + ")");
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static boolean until(Duration limit, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return true;
    }

    private static Message read(WebSocket client) throws Exception {
        CompletableFuture<Message> read = CompletableFuture.supplyAsync(client::read);
        try {
            return read.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("nothing arrived within " + STEP.toSeconds() + " s on " + client);
        }
    }

    /** The chat handler bundle, made from this test's compiled ChatActivator. */
    private static byte[] chatBundle() throws IOException {
        Path classes = Path.of(ClusterDeploymentIT.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path dir = classes.resolve("io/switchboard/deploy/chat");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.switchboard.test.chat");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", "io.switchboard.deploy.chat.ChatActivator");
        main.putValue("Import-Package", "io.switchboard.api;version=\"[1.1,2)\",org.osgi.framework,org.osgi.util.tracker");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest); Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                jar.putNextEntry(new JarEntry("io/switchboard/deploy/chat/" + file.getFileName()));
                jar.write(Files.readAllBytes(file));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Child start(String name, List<String> command) throws IOException {
        Child child = new Child(name, new ProcessBuilder(command).directory(work.toFile()));
        children.add(child);
        return child;
    }

    /** Starts a launcher instance with the chat bundle deployed; returns it once /chat answers. */
    private Child instance(int n, String redis) throws Exception {
        Path deploy = Files.createDirectories(work.resolve("handlers" + n));
        Files.write(deploy.resolve("chat.jar"), chatBundle());
        return start("instance" + n, List.of(JAVA, "-jar", LAUNCHER.toString(), "--host", "127.0.0.1", "--port", "0",
                "--deploy", deploy.toString(), "--cache", work.resolve("cache" + n).toString(),
                "--cluster-redis", redis, "--scan-interval", "50ms", "--quiet-period", "100ms",
                "--close-timeout", "2s"));
    }

    private static int awaitPort(Child child) {
        assertTrue(until(STARTUP, () -> child.line(l -> READY.matcher(l).matches()).isPresent()), child::output);
        Matcher m = READY.matcher(child.line(l -> READY.matcher(l).matches()).orElseThrow());
        assertTrue(m.matches());
        return Integer.parseInt(m.group(1));
    }

    /** Reads the chat's greeting: the port of the instance the client landed on, or -1. */
    private static int greeting(WebSocket client) throws Exception {
        Message hello = read(client);
        if (hello instanceof Message.Text t && t.text().startsWith("joined ")) {
            return Integer.parseInt(t.text().substring("joined ".length()));
        }
        return -1;
    }

    /**
     * A client of the chat through the balancer on {@code front} that reconnects by itself (the
     * client module's ReconnectingWebSocketClient), recording the close status of each
     * connection that ended in {@code ended}.
     */
    private ReconnectingWebSocketClient client(int front, List<CloseStatus> ended) {
        ReconnectingWebSocketClient client = ReconnectingWebSocketClient.builder("ws://127.0.0.1:" + front + "/chat")
                .initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1)).giveUpAfter(STEP)
                .reconnectWhen(status -> {
                    ended.add(status);
                    return ReconnectingWebSocketClient.reconnectsAfter(status);
                })
                .build();
        clients.add(client);
        return client;
    }

    /** Every client sends one message; every client must receive all of them (in any order across senders). */
    private void everyoneHearsEveryone(List<? extends WebSocket> room, String round) throws Exception {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < room.size(); i++) {
            String text = round + " from " + i;
            expected.add(text);
            assertTrue(room.get(i).send(text));
        }
        for (int i = 0; i < room.size(); i++) {
            Set<String> got = new HashSet<>();
            while (got.size() < expected.size()) {
                Message m = read(room.get(i));
                assertTrue(m instanceof Message.Text, () -> "a text message, got " + m);
                got.add(((Message.Text) m).text());
            }
            assertEquals(expected, got, "client " + i + " in round " + round);
        }
    }

    @Test
    void threeInstancesBehindHaproxyAndNginxShareTheChatAndSurviveAnInstanceStopping() throws Exception {
        Path redisServer = binary("redis-server");
        Path haproxy = binary("haproxy");
        Path nginx = binary("nginx");
        assertTrue(Files.isRegularFile(LAUNCHER), "build the launcher first: " + LAUNCHER);

        int redisPort = freePort();
        Child redis = start("redis", List.of(redisServer.toString(), "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        assertTrue(until(STEP, () -> redis.line(l -> l.contains("Ready to accept connections")).isPresent()), redis::output);
        String redisUri = "redis://127.0.0.1:" + redisPort;

        List<Child> instances = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            instances.add(instance(n, redisUri));
        }
        List<Integer> ports = new ArrayList<>();
        for (Child instance : instances) {
            ports.add(awaitPort(instance));
        }
        for (Child instance : instances) {
            assertTrue(until(STARTUP, () -> instance.line(l -> l.contains("cluster: connected to Redis")).isPresent()),
                    instance::output);
        }
        for (int port : ports) { // the chat bundle is deployed on each
            assertTrue(until(STARTUP, () -> {
                WebSocketClient direct = new WebSocketClient("ws://127.0.0.1:" + port + "/chat");
                try {
                    return direct.connect().isConnected() && read(direct) instanceof Message.Text t && t.text().equals("joined " + port);
                } catch (Exception e) {
                    return false;
                } finally {
                    direct.close();
                }
            }), "/chat on " + port);
        }

        int haproxyPort = startHaproxy(haproxy, ports);
        int nginxPort = startNginx(nginx, ports);

        // Each balancer spreads its clients over the three instances, round robin.
        List<ReconnectingWebSocketClient> room = new ArrayList<>();
        List<List<CloseStatus>> ended = new ArrayList<>();
        List<Integer> landedOn = new ArrayList<>();
        for (int front : List.of(haproxyPort, nginxPort)) {
            Set<Integer> reached = new HashSet<>();
            for (int i = 0; i < CLIENTS; i++) {
                List<CloseStatus> closes = new java.util.concurrent.CopyOnWriteArrayList<>();
                ReconnectingWebSocketClient client = client(front, closes);
                assertTrue(client.connect().isConnected(), () -> "connect through " + front);
                int port = greeting(client);
                assertTrue(ports.contains(port), () -> "joined through the balancer on " + front + ": " + port + "\n"
                        + children.stream().map(Child::output).reduce("", String::concat));
                room.add(client);
                ended.add(closes);
                landedOn.add(port);
                reached.add(port);
            }
            assertEquals(Set.copyOf(ports), reached, "round robin through " + front + " reaches every instance");
        }
        everyoneHearsEveryone(room, "first");

        // SIGTERM to the first instance: it exits 0; its clients get 1001 and come back by
        // themselves through their balancer (which may try the stopped instance once more:
        // refused, retried) to the other instances.
        int stoppedPort = ports.get(0);
        Child stopped = instances.get(0);
        stopped.process.destroy();
        for (int i = 0; i < room.size(); i++) {
            if (landedOn.get(i) == stoppedPort) {
                int client = i;
                int port = greeting(room.get(i)); // read() goes on across the reconnect
                assertTrue(port > 0 && port != stoppedPort, () -> "client " + client + " reconnected elsewhere: " + port);
                assertEquals(List.of(CloseStatus.GOING_AWAY), ended.get(i), "the stopped instance said 1001");
                assertEquals(2, room.get(i).generation());
            } else {
                assertEquals(1, room.get(i).generation());
            }
        }
        assertTrue(stopped.process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS), stopped::output);
        assertEquals(0, stopped.process.exitValue(), stopped::output);
        everyoneHearsEveryone(room, "second");

        // Redis goes: the instances keep serving their own subscribers and /ready says degraded.
        redis.process.destroyForcibly();
        int survivor = ports.get(1);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest probe = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + survivor + "/ready")).build();
        assertTrue(until(STEP, () -> {
            try {
                var answer = http.send(probe, java.net.http.HttpResponse.BodyHandlers.ofString());
                return answer.statusCode() == 200 && answer.body().contains("degraded");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), () -> instances.get(1).output());
        assertTrue(instances.get(1).line(l -> l.contains("DEGRADED")).isPresent(), () -> instances.get(1).output());
        for (int i = 0; i < room.size(); i++) {
            if (landedOn.get(i) == survivor) {
                assertTrue(room.get(i).send("local only"));
                Message m = read(room.get(i));
                assertEquals(Message.text("local only"), m, "the instance's own subscribers are still served");
            }
        }
        for (WebSocket client : room) {
            client.close();
        }
    }

    /** HAProxy from deploy/haproxy.cfg with its ports replaced; returns its front port once it accepts. */
    private int startHaproxy(Path haproxy, List<Integer> ports) throws Exception {
        int front = freePort();
        String original = Files.readString(HAPROXY_CFG);
        String config = original.replace("bind :8080", "bind 127.0.0.1:" + front)
                .replace("127.0.0.1:8081", "127.0.0.1:" + ports.get(0))
                .replace("127.0.0.1:8082", "127.0.0.1:" + ports.get(1))
                .replace("127.0.0.1:8083", "127.0.0.1:" + ports.get(2));
        assertNotEquals(original, config);
        Path cfg = work.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Child proxy = start("haproxy", List.of(haproxy.toString(), "-db", "-f", cfg.toString()));
        awaitListening(front, proxy);
        return front;
    }

    /**
     * nginx with deploy/nginx.conf (ports replaced) as the whole of its http block, in the
     * foreground, with its pid and temporary files in the test's folder.
     */
    private int startNginx(Path nginx, List<Integer> ports) throws Exception {
        int front = freePort();
        String original = Files.readString(NGINX_CONF);
        String snippet = original.replace("listen 8080;", "listen 127.0.0.1:" + front + ";")
                .replace("127.0.0.1:8081", "127.0.0.1:" + ports.get(0))
                .replace("127.0.0.1:8082", "127.0.0.1:" + ports.get(1))
                .replace("127.0.0.1:8083", "127.0.0.1:" + ports.get(2));
        assertNotEquals(original, snippet);
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Files.writeString(prefix.resolve("switchboard.conf"), snippet);
        Files.writeString(prefix.resolve("nginx.conf"), String.join("\n",
                "daemon off;", "worker_processes 1;", "error_log stderr notice;", "pid " + prefix.resolve("nginx.pid") + ";",
                "events { worker_connections 1024; }",
                "http {", "  access_log off;",
                "  client_body_temp_path " + prefix.resolve("body") + ";",
                "  proxy_temp_path " + prefix.resolve("proxy") + ";",
                "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";",
                "  scgi_temp_path " + prefix.resolve("scgi") + ";",
                "  include " + prefix.resolve("switchboard.conf") + ";", "}", ""));
        Child proxy = start("nginx", List.of(nginx.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString()));
        awaitListening(front, proxy);
        return front;
    }

    private static void awaitListening(int port, Child child) {
        assertTrue(until(STEP, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }), child::output);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        clients.forEach(WebSocket::close);
        for (int i = children.size() - 1; i >= 0; i--) {
            Process p = children.get(i).process;
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
