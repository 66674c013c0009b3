package io.switchboard.bench;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import io.switchboard.websocket.WebSocketServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * permessage-deflate on chatty JSON, ours against Node's {@code ws}: wire bytes of 1,000 small
 * JSON messages (about 200 bytes, repeating keys) echoed by each server to the same ws client,
 * and the memory one compressed session costs. Small and quick (a few seconds); not a load
 * test, never part of the tests.
 *
 * <p>Run with {@code bin/deflate-ratio [node-peer folder]}.
 *
 * The node peer folder (default {@code websocket/target/node-peer}) is where the websocket
 * tests install {@code ws} and {@code deflate-peer.mjs}.
 */
public final class DeflateRatio {

    private static final int MESSAGES = 1_000;
    private static final int PAIRS = 200;

    private DeflateRatio() {
    }

    public static void main(String[] args) throws Exception {
        Path peer = Path.of(args.length > 0 ? args[0] : "websocket/target/node-peer");
        if (!Files.isRegularFile(peer.resolve("deflate-peer.mjs")) || !Files.isDirectory(peer.resolve("node_modules"))) {
            System.err.println("DeflateRatio: no ws peer in " + peer + "; run the websocket tests first "
                    + "(./mvnw -q -B verify -pl websocket -am -Dtest=NodeWsDeflateTest -Dsurefire.failIfNoSpecifiedTests=false)");
            System.exit(1);
        }
        String wsDefault = "{\"threshold\":0}";
        String wsNoContext = "{\"threshold\":0,\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true}";
        String wsSmall = "{\"threshold\":0,\"serverMaxWindowBits\":12,\"zlibDeflateOptions\":{\"memLevel\":4}}";

        System.out.printf("%d JSON messages echoed to a ws client (%s), bytes from the server on the wire%n",
                MESSAGES, wsDefault);
        System.out.printf("%-50s %10s %10s %7s %12s%n", "server", "payload", "wire", "ratio", "client wrote");
        ratioOurs(peer, "Switchboard, compression off", WebSocketOptions.builder().build(), "false");
        ratioOurs(peer, "Switchboard, no context takeover", policy(15, 8, false), wsDefault);
        ratioOurs(peer, "Switchboard, context, 12 bits / level 4 (default)", policy(12, 4, true), wsDefault);
        ratioOurs(peer, "Switchboard, context, 15 bits / level 8", policy(15, 8, true), wsDefault);
        ratioWs(peer, "ws, no context takeover", wsNoContext);
        ratioWs(peer, "ws, context, 12 bits / level 4", wsSmall);
        ratioWs(peer, "ws, context, 15 bits / level 8 (default)", wsDefault);

        System.out.printf("%nmemory per session (%d client/server pairs, one echoed message each)%n", PAIRS);
        long base = pairBytes(WebSocketOptions.builder().build());
        System.out.printf("%-50s %12s%n", "Switchboard (heap, above compression off)", "per session");
        for (Object[] p : new Object[][] {{"no context takeover", policy(15, 8, false)},
                {"context, 12 bits / level 4 (default)", policy(12, 4, true)},
                {"context, 15 bits / level 8", policy(15, 8, true)}}) {
            long perSession = (pairBytes((WebSocketOptions) p[1]) - base) / 2;
            System.out.printf("%-50s %9.1f KiB%n", p[0], perSession / 1024.0);
        }
        System.out.printf("%-50s %12s%n", "ws (process RSS, above compression off)", "per session");
        long wsBase = wsPairBytes(peer, "false");
        for (String[] p : new String[][] {{"no context takeover", wsNoContext}, {"context, 12 bits / level 4", wsSmall},
                {"context, 15 bits / level 8 (default)", wsDefault}}) {
            System.out.printf("%-50s %9.1f KiB%n", p[0], (wsPairBytes(peer, p[1]) - wsBase) / 2 / 1024.0);
        }
    }

    private static WebSocketOptions policy(int bits, int level, boolean takeover) {
        return WebSocketOptions.builder().compression(true).compressionWindowBits(bits).compressionMemoryLevel(level)
                .compressionContextTakeover(takeover).build();
    }

    private static WebSocketServer echoServer(WebSocketOptions options) {
        WebSocketServer server = new WebSocketServer(options.toBuilder().pingInterval(Duration.ZERO).build());
        server.webSocket("/echo", (request, ws) -> {
            Message msg;
            while ((msg = ws.read()) != null) {
                ws.send(msg);
            }
        });
        return server;
    }

    private static void ratioOurs(Path peer, String label, WebSocketOptions options, String clientOptions) throws Exception {
        WebSocketServer server = echoServer(options);
        int port = server.start("127.0.0.1", 0);
        try {
            printRatio(label, wsClient(peer, port, clientOptions));
        } finally {
            server.stop();
        }
    }

    private static void ratioWs(Path peer, String label, String serverOptions) throws Exception {
        Process server = node(peer, "server", serverOptions);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().substring("port ".length()));
            printRatio(label, wsClient(peer, port, "{\"threshold\":0}"));
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void printRatio(String label, Map<String, Long> r) {
        System.out.printf("%-50s %10d %10d %6.2f:1 %12d%n", label, r.get("payload"), r.get("read"),
                (double) r.get("payload") / r.get("read"), r.get("written"));
    }

    /** Runs the ws client; returns its "ok" line's numbers (read, written, payload). */
    private static Map<String, Long> wsClient(Path peer, int port, String options) throws Exception {
        Process client = node(peer, "client", "ws://127.0.0.1:" + port + "/echo", options, Integer.toString(MESSAGES));
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(60, TimeUnit.SECONDS) || client.exitValue() != 0) {
            throw new IllegalStateException("ws client failed:\n" + out);
        }
        Map<String, Long> values = new TreeMap<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("ok ")) {
                for (String field : line.split(" ")) {
                    int eq = field.indexOf('=');
                    if (eq > 0) {
                        values.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
                    }
                }
            }
        }
        return values;
    }

    /** Heap held by {@link #PAIRS} idle client/server pairs of ours, per pair. */
    private static long pairBytes(WebSocketOptions options) throws Exception {
        WebSocketServer server = echoServer(options);
        int port = server.start("127.0.0.1", 0);
        List<WebSocketClient> clients = new ArrayList<>();
        try {
            open(port, options, clients, 20); // warm-up
            long before = usedHeap();
            open(port, options, clients, PAIRS);
            return (usedHeap() - before) / PAIRS;
        } finally {
            clients.forEach(WebSocketClient::close);
            server.stop();
        }
    }

    private static void open(int port, WebSocketOptions options, List<WebSocketClient> clients, int count) {
        for (int i = 0; i < count; i++) {
            WebSocketClient c = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(),
                    options.toBuilder().pingInterval(Duration.ZERO).build());
            if (!c.connect().isConnected()) {
                throw new IllegalStateException("connect failed");
            }
            String json = "{\"type\":\"quote\",\"seq\":" + i + ",\"symbol\":\"ACME\",\"bid\":10.5,\"ask\":10.7}";
            c.send(json);
            if (!(c.read() instanceof Message.Text t) || !t.text().equals(json)) {
                throw new IllegalStateException("echo failed");
            }
            clients.add(c);
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // let the collector settle: a measurement, not a test
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** RSS growth per ws client/server pair in one node process. */
    private static long wsPairBytes(Path peer, String options) throws Exception {
        Process p = new ProcessBuilder("node", "--expose-gc", "deflate-peer.mjs", "memory", Integer.toString(PAIRS), options)
                .directory(peer.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        for (String field : out.strip().split(" ")) {
            if (field.startsWith("rss=")) {
                return Long.parseLong(field.substring(4));
            }
        }
        throw new IllegalStateException("ws memory run failed:\n" + out);
    }

    private static Process node(Path peer, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "deflate-peer.mjs"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(peer.toFile()).redirectErrorStream(true).start();
    }
}
