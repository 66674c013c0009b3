package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;

/**
 * An in-process {@link Launcher} on a free loopback port with its own deploy and cache
 * folders, plus the client calls the hot-deploy tests make against it. Close it to stop the
 * framework.
 */
final class RunningLauncher implements AutoCloseable {

    /** Upper bound for any single step a test waits on (deploy, handshake, reply). */
    static final Duration STEP = Duration.ofSeconds(10);
    private static final Pattern READY = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws \\(deploy folder (.+?)\\)( features: .*)?");

    final Launcher launcher;
    final String readyLine;
    final int port;
    final Path deploy;

    private RunningLauncher(Launcher launcher, String readyLine, Path deploy) {
        this.launcher = launcher;
        this.readyLine = readyLine;
        this.deploy = deploy;
        Matcher m = READY.matcher(readyLine);
        assertTrue(m.matches(), "ready line: " + readyLine);
        this.port = Integer.parseInt(m.group(1));
        assertEquals(deploy.toAbsolutePath().normalize().toString(), m.group(2));
    }

    /**
     * Starts a launcher on 127.0.0.1, port 0, a fast scanner (50 ms, quiet period 200 ms) and
     * a 2 s drain timeout; {@code flags} come last and so override these.
     */
    static RunningLauncher start(Path deploy, Path cache, String... flags) throws Exception {
        return start(deploy, cache, DeployDirectory::listFolder, flags);
    }

    /** As {@link #start(Path, Path, String...)}, listing the deploy folder through {@code listing}. */
    static RunningLauncher start(Path deploy, Path cache, DeployDirectory.Listing listing, String... flags)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
                "--deploy", deploy.toString(), "--cache", cache.toString(),
                "--scan-interval", "50ms", "--quiet-period", "200ms", "--drain-timeout", "2s"));
        args.addAll(Arrays.asList(flags));
        Launcher launcher = new Launcher(LauncherConfig.parse(args, new Properties()), listing);
        try {
            return new RunningLauncher(launcher, launcher.start(), deploy);
        } catch (Exception | AssertionError e) {
            launcher.stop("test start failed");
            throw e;
        }
    }

    Framework framework() {
        return launcher.framework();
    }

    /** The bundle installed from {@code fileName} in the deploy folder, if any. */
    Optional<Bundle> deployed(String fileName) {
        Bundle bundle = framework().getBundleContext().getBundle(DeployDirectory.LOCATION_PREFIX + fileName);
        return Optional.ofNullable(bundle);
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    /** A new client for {@code path}, connected; fails the test if the handshake fails. */
    WebSocketClient open(String path) {
        WebSocketClient client = new WebSocketClient(url(path));
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), () -> "connect to " + path + ": " + result);
        return client;
    }

    /** One connect attempt on {@code path}; a session that opens is closed again at once. */
    ConnectResult connect(String path) {
        WebSocketClient client = new WebSocketClient(url(path));
        ConnectResult result = client.connect();
        client.close();
        return result;
    }

    /** One connect, one text message and its reply, one close; returns the reply text. */
    String echo(String path, String text) {
        WebSocketClient client = open(path);
        try {
            return ask(client, text);
        } finally {
            client.close();
        }
    }

    /** Polls {@code path} with fresh connections until a reply to "x" starts with {@code prefix}. */
    void awaitReply(String path, String prefix) {
        BoundedWait.until(STEP, path + " answers " + prefix + "x", () -> {
            WebSocketClient client = new WebSocketClient(url(path));
            if (!client.connect().isConnected()) {
                return false;
            }
            try {
                return ask(client, "x").equals(prefix + "x");
            } finally {
                client.close();
            }
        });
    }

    /** Sends {@code text} and returns the text reply, failing if none arrives within {@link #STEP}. */
    static String ask(WebSocketClient client, String text) {
        assertTrue(client.send(text), "send on an open session");
        Message reply = read(client);
        return assertInstanceOf(Message.Text.class, reply, "reply to " + text).text();
    }

    /** {@code client.read()}, bounded by {@link #STEP}: on timeout the client is closed and the test fails. */
    static Message read(WebSocketClient client) {
        CompletableFuture<Message> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                read.complete(client.read());
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            client.close();
            throw new AssertionError("no message or close within " + STEP.toMillis() + " ms on " + client);
        } catch (ExecutionException e) {
            throw new AssertionError("read failed on " + client, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        launcher.stop("test done");
    }
}
