package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live status page in a real browser: headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs) opens the launcher's {@code /}; a WebSocket session opened by the
 * test appears in the page's session table, pushed over the page's own socket, and disappears
 * when it ends. The page's DOM is read through the DevTools protocol over a WebSocket (our own
 * client), since {@code --dump-dom} may print before socket events arrive.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StatusPageBrowserTest {

    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

    @TempDir
    Path deploy;
    @TempDir
    Path cache;
    @TempDir
    Path profile;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    static Optional<Path> chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts headless Chromium on {@code url}; returns its DevTools HTTP port. */
    private int startBrowser(Path chromium, String url) throws Exception {
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", url)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        cleanup.add(() -> {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            browser.waitFor(10, TimeUnit.SECONDS);
        });
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuffer stderr = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    stderr.append(line).append('\n');
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                }
            } catch (IOException e) {
                // the browser is gone
            }
            port.completeExceptionally(new AssertionError("chromium ended without DevTools; stderr:\n" + stderr));
        });
        return port.get(STEP.toSeconds(), TimeUnit.SECONDS);
    }

    /** The DevTools WebSocket URL of the page showing {@code url}, once the browser lists it. */
    private static String pageTarget(int devtoolsPort, String url) {
        return BoundedWait.until(STEP, "a page target for " + url, () -> {
            try {
                String list = PlainGet.get(devtoolsPort, "/json/list").body();
                Matcher m = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"")
                        .matcher(list);
                Matcher u = Pattern.compile("\"url\"\\s*:\\s*\"" + Pattern.quote(url) + "\"").matcher(list);
                return m.find() && u.find() ? m.group(1) : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Evaluates {@code expression} in the page and returns its string value. */
    private static String evaluate(WebSocketClient devtools, int id, String expression) {
        String call = "{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":"
                + json(expression) + ",\"returnByValue\":true}}";
        assertTrue(devtools.send(call), "DevTools socket open");
        while (true) {
            Message reply = RunningLauncher.read(devtools);
            String text = assertInstanceOf(Message.Text.class, reply, "DevTools reply").text();
            if (text.startsWith("{\"id\":" + id + ",")) {
                Matcher m = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
                return m.find() ? unescape(m.group(1)) : "";
            }
        }
    }

    /** The text of a JSON string literal's content (RFC 8259 §7 escapes). */
    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e); // " \ /
            }
        }
        return sb.toString();
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void thePageShowsAHandlerAndASessionLiveInChromium() throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (.ci/run installs it)");
        RunningLauncher launcher = RunningLauncher.start(deploy, cache);
        cleanup.add(launcher);
        String page = "http://127.0.0.1:" + launcher.port + "/";
        int devtoolsPort = startBrowser(chromium.get(), page);
        WebSocketClient devtools = new WebSocketClient(pageTarget(devtoolsPort, page));
        cleanup.add(devtools::close);
        assertTrue(devtools.connect().isConnected(), "DevTools connection");

        int[] id = {0};
        BoundedWait.until(STEP, "the page lists the echo handler", () ->
                evaluate(devtools, ++id[0], "document.querySelector('#handlers tbody').innerText")
                        .contains("io.switchboard.handlers.echo"));
        assertEquals("serving", evaluate(devtools, ++id[0], "document.getElementById('state').textContent"));

        WebSocketClient session = launcher.open("/ws");
        cleanup.add(session::close);
        assertEquals("seen", RunningLauncher.ask(session, "seen"));
        String local = session.toString();
        String[] rows = {""};
        try {
            BoundedWait.until(STEP, "the page shows the session on /ws", () -> {
                rows[0] = evaluate(devtools, ++id[0], "document.querySelector('#sessions tbody').innerText");
                return rows[0].contains("/ws\t127.0.0.1:") && rows[0].contains("1 / 1");
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the table read: " + rows[0], e);
        }
        session.close();
        BoundedWait.until(STEP, "the session leaves the page (the page's own socket on /_live stays)", () ->
                !evaluate(devtools, ++id[0], "document.querySelector('#sessions tbody').innerText").contains("/ws\t"));
        assertTrue(evaluate(devtools, ++id[0], "document.querySelector('#close-codes tbody').innerText").contains("1000"),
                local);
    }
}
