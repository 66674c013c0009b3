package io.switchboard.examples.chat;

import static io.switchboard.examples.chat.ChatTest.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat bundle as a user meets it: dropped into the deploy folder of a real launcher.jar
 * (a child JVM on a free loopback port, Declarative Services wiring it to the Topics service),
 * used by Switchboard clients and by two tabs of headless Chromium.
 */
@Timeout(180)
class ChatIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Pattern READY = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws .*");

    @TempDir
    static Path dir;

    private static Process launcher;
    private static final StringBuffer launcherOutput = new StringBuffer();
    private static int port;
    private final List<WebSocketClient> clients = new ArrayList<>();

    @BeforeAll
    static void startLauncherWithTheChatDeployed() throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("chat.bundle")), deploy.resolve("chat.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", System.getProperty("launcher.jar"),
                "--host", "127.0.0.1", "--port", "0", "--deploy", deploy.toString(),
                "--cache", dir.resolve("cache").toString(), "--scan-interval", "50ms", "--quiet-period", "200ms")
                .redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        launcher = builder.start();
        launcher.getOutputStream().close();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    launcherOutput.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                // the launcher ended
            }
        });
        long deadline = System.nanoTime() + STEP.toNanos();
        Matcher ready = null;
        while (ready == null) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(line, () -> "no ready line from launcher.jar:\n" + launcherOutput);
            Matcher m = READY.matcher(line);
            ready = m.matches() ? m : null;
        }
        port = Integer.parseInt(ready.group(1));
        // The bundle is deployed after the first quiet period; SCR then registers the page.
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (get(http).statusCode() != 200) {
                assertTrue(System.nanoTime() < deadline, () -> "/chat never answered 200:\n" + launcherOutput);
                launcher.waitFor(50, TimeUnit.MILLISECONDS); // bounded pause between polls
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat?room=r"))
                .timeout(STEP).build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stopLauncher() throws InterruptedException {
        if (launcher != null) {
            launcher.destroy(); // SIGTERM: sessions get 1001, the framework stops
            if (!launcher.waitFor(20, TimeUnit.SECONDS)) {
                launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(WebSocketClient::close);
    }

    private WebSocketClient join(String query) {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/chat" + query);
        clients.add(client);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), () -> query + ": " + result + "\n" + launcherOutput);
        return client;
    }

    @Test
    void theDeployedBundleServesItsPageAndItsRoomsWithTheRouteSettingsItDeclares() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = get(http);
            assertEquals(Optional.of("text/html; charset=utf-8"), page.headers().firstValue("Content-Type"));
            assertTrue(page.body().contains("<title>Switchboard chat</title>"));
        }
        WebSocketClient ann = join("?room=deployed&name=ann");
        assertEquals(Notices.join("deployed", "ann", 1), next(ann));
        WebSocketClient bob = join("?room=deployed&name=bob");
        assertEquals(Notices.join("deployed", "bob", 2), next(bob));
        assertEquals(Notices.join("deployed", "bob", 2), next(ann));
        bob.send("hi ann");
        assertEquals(Notices.message("deployed", "bob", "hi ann"), next(ann));
        assertEquals(Notices.message("deployed", "bob", "hi ann"), next(bob));

        ann.send("x".repeat(5000)); // the component declares chat lines of at most 4 KiB
        assertNull(next(ann));
        assertEquals(Optional.of(CloseStatus.MESSAGE_TOO_BIG), ann.closeStatus());
        assertEquals(Notices.leave("deployed", "ann", 1), next(bob));
    }

    /** Resolves once the tab's log has a line equal to {@code line}; rejects after {@link Cdp#STEP}. */
    private static String logLine(String line) {
        String quoted = Notices.string(line);
        return "new Promise((resolve, reject) => { const until = Date.now() + " + Cdp.STEP.toMillis() + ";"
                + " (function check() {"
                + "   const lines = [...document.querySelectorAll('#log li')].map(li => li.textContent);"
                + "   if (lines.includes(" + quoted + ")) resolve('ok');"
                + "   else if (Date.now() > until) reject(new Error('no ' + " + quoted + " + ' in ' + JSON.stringify(lines)"
                + "       + ', status ' + (document.getElementById('status') || {}).textContent));"
                + "   else setTimeout(check, 50);"
                + " })(); })";
    }

    @Test
    void twoBrowserTabsChatWithEachOtherAndWithAClient() throws Exception {
        Path chromium = Cdp.find();
        if (chromium == null) {
            assertTrue(System.getenv("CI") == null, "chromium is missing in CI; .ci/run installs it");
            assumeTrue(false, "chromium is not installed (apt-get install chromium); skipped outside CI");
        }
        String page = "http://127.0.0.1:" + port + "/chat?room=tabs&name=";
        try (Cdp browser = Cdp.launch(chromium, Files.createDirectories(dir.resolve("chromium")))) {
            try {
                String ann = browser.open(page + "ann");
                assertEquals("ok", browser.evaluate(ann, logLine("ann joined (1 here)")));
                String bob = browser.open(page + "bob");
                assertEquals("ok", browser.evaluate(bob, logLine("bob joined (2 here)")));
                assertEquals("ok", browser.evaluate(ann, logLine("bob joined (2 here)")));
                WebSocketClient carl = join("?room=tabs&name=carl");
                assertEquals(Notices.join("tabs", "carl", 3), next(carl));

                assertEquals("sent", browser.evaluate(ann, "document.getElementById('text').value = 'hello from ann';"
                        + " document.getElementById('form').requestSubmit(); 'sent'"));
                assertEquals("ok", browser.evaluate(bob, logLine("ann:hello from ann")));
                assertEquals("ok", browser.evaluate(ann, logLine("ann:hello from ann")));
                assertEquals(Notices.message("tabs", "ann", "hello from ann"), next(carl));

                carl.send("<b>bold?</b> no, text");
                assertEquals(Notices.message("tabs", "carl", "<b>bold?</b> no, text"), next(carl));
                assertEquals("ok", browser.evaluate(bob, logLine("carl:<b>bold?</b> no, text")));
                assertEquals("1", browser.evaluate(bob, "String(document.querySelectorAll('#log li.message b').length"
                        + " - document.querySelectorAll('#log li.message').length + 1)"), "a peer's text never becomes HTML");

                browser.close(bob);
                assertEquals("ok", browser.evaluate(ann, logLine("bob left (2 here)")));
                assertEquals(Notices.leave("tabs", "bob", 2), next(carl));
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\nchromium:\n" + browser.log() + "\nlauncher:\n" + launcherOutput, e);
            }
        }
    }
}
