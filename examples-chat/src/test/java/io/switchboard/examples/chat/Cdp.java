package io.switchboard.examples.chat;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol: one browser process with a fresh
 * profile and its debugging port on loopback, a client on the JDK's WebSocket, tabs opened with
 * {@code Target.createTarget} and attached in flat mode, JavaScript run in a tab with
 * {@code Runtime.evaluate}. Every call is bounded by {@link #STEP}; closing ends the browser.
 */
final class Cdp implements AutoCloseable {

    static final Duration STEP = Duration.ofSeconds(30);
    private static final Gson GSON = new Gson();

    private final Process browser;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, String> targets = new ConcurrentHashMap<>(); // session id -> target id
    private final ReentrantLock sending = new ReentrantLock();

    private Cdp(Process browser, Path log, URI endpoint) throws Exception {
        this.browser = browser;
        this.log = log;
        this.socket = http.newWebSocketBuilder().buildAsync(endpoint, new Listener())
                .get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The chromium binary on the PATH or in /usr/bin, or null. */
    static Path find() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Starts {@code binary} headless with a fresh profile in {@code dir}; its output goes to dir/chromium.log. */
    static Cdp launch(Path binary, Path dir) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Path log = dir.resolve("chromium.log");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        try {
            // The browser writes its port and endpoint path here once it listens.
            Path active = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + STEP.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("chromium did not open its DevTools port (alive=" + process.isAlive()
                            + "):\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                if (Files.exists(active)) {
                    lines = Files.readAllLines(active, StandardCharsets.UTF_8);
                } else {
                    process.waitFor(50, TimeUnit.MILLISECONDS); // bounded wait for the file, or for a crash
                }
            }
            return new Cdp(process, log, URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
        } catch (Exception | AssertionError e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
    }

    /** Opens a tab on {@code url}; returns its session id for {@link #evaluate}. */
    String open(String url) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("url", url);
        String target = call("Target.createTarget", params, null).get("targetId").getAsString();
        JsonObject attach = new JsonObject();
        attach.addProperty("targetId", target);
        attach.addProperty("flatten", true);
        String session = call("Target.attachToTarget", attach, null).get("sessionId").getAsString();
        targets.put(session, target);
        awaitLoaded(session, url);
        return session;
    }

    /**
     * Waits until the tab has loaded {@code url}: a new tab starts on about:blank, and an
     * evaluation that meets the navigation fails with "Execution context was destroyed".
     */
    private void awaitLoaded(String session, String url) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        String seen = null;
        while (!url.equals(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the tab did not load " + url + " (at " + seen + ")");
            }
            try {
                seen = evaluate(session, "new Promise(resolve => document.readyState === 'complete'"
                        + " ? resolve(location.href) : addEventListener('load', () => resolve(location.href)))");
            } catch (AssertionError e) {
                if (e.getMessage() == null || !e.getMessage().contains("context")) {
                    throw e;
                }
            }
        }
    }

    /** Closes the tab of {@code session}, as a user closing it would. */
    void close(String session) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("targetId", targets.remove(session));
        call("Target.closeTarget", params, null);
    }

    /**
     * Runs {@code expression} in the tab and returns its value as a string; an expression that
     * is a promise is awaited (so a page-side wait for a condition is one call).
     */
    String evaluate(String session, String expression) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.addProperty("returnByValue", true);
        params.addProperty("awaitPromise", true);
        JsonObject result = call("Runtime.evaluate", params, session);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("in the page: " + result.get("exceptionDetails"));
        }
        JsonElement value = result.getAsJsonObject("result").get("value");
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    private JsonObject call(String method, JsonObject params, String session) throws Exception {
        int id = ids.incrementAndGet();
        JsonObject command = new JsonObject();
        command.addProperty("id", id);
        command.addProperty("method", method);
        command.add("params", params);
        if (session != null) {
            command.addProperty("sessionId", session);
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        sending.lock(); // one sendText at a time (the JDK WebSocket's rule)
        try {
            socket.sendText(GSON.toJson(command), true).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            sending.unlock();
        }
        JsonObject response;
        try {
            response = answer.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(method + ": no answer within " + STEP.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(method + " failed", e.getCause());
        } finally {
            pending.remove(id);
        }
        if (response.has("error")) {
            throw new AssertionError(method + ": " + response.get("error"));
        }
        return response.getAsJsonObject("result");
    }

    /** Routes answers to their calls; events are not needed and are dropped. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = JsonParser.parseString(partial.toString()).getAsJsonObject();
                partial.setLength(0);
                if (message.has("id")) {
                    CompletableFuture<JsonObject> call = pending.get(message.get("id").getAsInt());
                    if (call != null) {
                        call.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(call -> call.completeExceptionally(error));
        }
    }

    /** What the browser printed, for failure messages. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        socket.abort();
        http.close();
        browser.descendants().forEach(ProcessHandle::destroy);
        browser.destroy();
        try {
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            browser.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
