package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * permessage-deflate parameters negotiated both ways with Node's {@code ws}, an independent
 * implementation on zlib: ws clients with several offers against our server with several
 * policies, and our client with several policies against ws servers with several options,
 * each checked by what ws says it agreed and by chatty JSON echoed through the compressed
 * contexts. The peer is src/test/node/deflate-peer.mjs, installed with {@code npm ci} into
 * target/node-peer (as {@link NodeWsInteropTest} does). Needs {@code node} and {@code npm}.
 */
@Timeout(300)
class NodeWsDeflateTest {

    private static final int MESSAGES = 300;

    @BeforeAll
    static void installPeer() throws Exception {
        NodeWsInteropTest.installPeer(); // the same ws peer folder, with every script of src/test/node
    }

    static Process node(String... args) throws IOException {
        return NodeWsInteropTest.script("deflate-peer.mjs", args);
    }

    /** Our options for a policy written as "windowBits/memoryLevel/takeover". */
    static WebSocketOptions policy(String policy) {
        String[] p = policy.split("/");
        return WebSocketOptions.builder().compression(true).compressionWindowBits(Integer.parseInt(p[0]))
                .compressionMemoryLevel(Integer.parseInt(p[1])).compressionContextTakeover(Boolean.parseBoolean(p[2]))
                .closeTimeout(Duration.ofSeconds(2)).build();
    }

    /** A JSON message of about 200 bytes with the keys every message repeats. */
    static String chatty(int i) {
        String[] symbols = {"ACME", "GLOBX", "INITECH", "UMBRL", "HOOLI", "STARK", "WAYNE"};
        return "{\"type\":\"quote\",\"seq\":" + i + ",\"symbol\":\"" + symbols[i % symbols.length] + "\",\"bid\":"
                + (100 + (i * 37) % 900) / 10.0 + ",\"ask\":" + (101 + (i * 41) % 900) / 10.0 + ",\"volume\":"
                + (i * 7919) % 100000 + ",\"exchange\":\"XNAS\",\"currency\":\"USD\",\"timestamp\":"
                + (1764480000000L + i * 250L) + ",\"flags\":{\"halted\":false,\"auction\":" + (i % 50 == 0) + "}}";
    }

    /** Runs a ws client against an echo server of ours; returns its output lines. */
    static List<String> wsClient(WebSocketOptions options, String wsOptions, int count) throws Exception {
        WebSocketServer server = new WebSocketServer(options);
        server.webSocket("/echo", Started.ECHO);
        int port = server.start("127.0.0.1", 0);
        try {
            Process client = node("client", "ws://127.0.0.1:" + port + "/echo", wsOptions, Integer.toString(count));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the ws client ended");
            String all = output.get(10, TimeUnit.SECONDS);
            assertEquals(0, client.exitValue(), all);
            return all.lines().toList();
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest(name = "ws client {0} -> our server {1}")
    @CsvSource(delimiter = '|', value = {
        "{}                                              | 12/4/true  | permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
        "{}                                              | 15/8/true  | permessage-deflate",
        "{}                                              | 15/8/false | permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "{}                                              | 9/2/true   | permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        "{\"serverMaxWindowBits\":10,\"clientMaxWindowBits\":9} | 12/4/true  | permessage-deflate; server_max_window_bits=10; client_max_window_bits=9",
        "{\"serverMaxWindowBits\":10,\"clientMaxWindowBits\":9} | 15/8/true  | permessage-deflate; server_max_window_bits=10; client_max_window_bits=9",
        "{\"serverMaxWindowBits\":10,\"clientMaxWindowBits\":9} | 15/8/false | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9",
        "{\"serverMaxWindowBits\":10,\"clientMaxWindowBits\":9} | 9/2/true   | permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        "{\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true} | 12/4/true | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12",
        "{\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true} | 15/8/true | permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "{\"serverMaxWindowBits\":8,\"clientMaxWindowBits\":false} | 12/4/true  | permessage-deflate; client_no_context_takeover; server_max_window_bits=8",
        "{\"serverMaxWindowBits\":8,\"clientMaxWindowBits\":false} | 15/8/true  | permessage-deflate; server_max_window_bits=8",
        "{\"serverMaxWindowBits\":8,\"clientMaxWindowBits\":false} | 15/8/false | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=8",
        "{\"clientMaxWindowBits\":8}                     | 15/8/true  | permessage-deflate; client_max_window_bits=8",
    })
    void wsClientsNegotiateWithOurServer(String wsOptions, String ourPolicy, String expected) throws Exception {
        String options = "{\"threshold\":0," + wsOptions.strip().substring(1);
        List<String> seen = wsClient(policy(ourPolicy.strip()), options.replace(",}", "}"), MESSAGES);
        assertEquals("open extensions=" + expected.strip(), seen.get(0), String.join("\n", seen));
        assertTrue(seen.get(1).startsWith("ok " + MESSAGES + " "), String.join("\n", seen));
    }

    @ParameterizedTest(name = "our client {0} -> ws server {1}")
    @CsvSource(delimiter = '|', value = {
        "12/4/true  | {}                                      | permessage-deflate; server_max_window_bits=12",
        "15/8/true  | {}                                      | permessage-deflate",
        "15/8/false | {}                                      | permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "8/1/true   | {}                                      | permessage-deflate; server_max_window_bits=8",
        "12/4/true  | {\"serverMaxWindowBits\":10}            | permessage-deflate; server_max_window_bits=10",
        "15/8/true  | {\"serverMaxWindowBits\":10}            | permessage-deflate; server_max_window_bits=10",
        "8/1/true   | {\"serverMaxWindowBits\":10}            | permessage-deflate; server_max_window_bits=10",
        "12/4/true  | {\"clientMaxWindowBits\":9}             | permessage-deflate; server_max_window_bits=12; client_max_window_bits=9",
        "15/8/true  | {\"clientMaxWindowBits\":9}             | permessage-deflate; client_max_window_bits=9",
        "15/8/false | {\"clientMaxWindowBits\":9}             | permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=9",
        "12/4/true  | {\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true} | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12",
        "15/8/true  | {\"serverMaxWindowBits\":9,\"clientMaxWindowBits\":8,\"serverNoContextTakeover\":true} | permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8",
    })
    void ourClientNegotiatesWithWsServers(String ourPolicy, String wsOptions, String expected) throws Exception {
        String options = ("{\"threshold\":0," + wsOptions.strip().substring(1)).replace(",}", "}");
        Process server = node("server", options);
        try {
            BlockingQueue<String> out = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            String first = out.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "the ws server printed no port");
            int port = Integer.parseInt(first.substring("port ".length()));
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(),
                    policy(ourPolicy.strip()));
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            try {
                assertTrue(client.send("extensions?"));
                assertEquals(Message.text("extensions=" + expected.strip()), client.read(),
                        "we saw " + result.headers().all("Sec-WebSocket-Extensions"));
                for (int i = 0; i < MESSAGES; i++) {
                    assertTrue(client.send(chatty(i)));
                    assertEquals(Message.text(chatty(i)), client.read(), "echo " + i);
                }
            } finally {
                client.close();
            }
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
