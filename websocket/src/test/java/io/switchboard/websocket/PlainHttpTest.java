package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.Response;
import io.switchboard.websocket.internal.HttpHead;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP GET/HEAD routes beside WebSocket routes, against raw sockets and the JDK's HTTP client. */
class PlainHttpTest {

    private final Started started = new Started();
    private final LogCapture log = LogCapture.of(io.switchboard.websocket.internal.HttpRequestLoop.class);

    @AfterEach
    void tearDown() {
        started.close();
        log.close();
    }

    private int serve(WebSocketOptions options) throws IOException {
        WebSocketServer server = started.server(new WebSocketServer(options));
        server.get("/hello", request -> Response.text(200, "hello " + request.queryParameter("name").orElse("you")));
        server.get("/page", request -> Response.of(200, "text/html; charset=utf-8", "<p>page</p>")
                .withHeader("Cache-Control", "no-store"));
        server.get("/stream", request -> Response.stream(200, "application/octet-stream",
                new ByteArrayInputStream(new byte[100_000])));
        server.get("/fails", request -> {
            throw new IllegalStateException("boom (expected in this test)");
        });
        server.get("/files/*", request -> Response.text(200, "file " + request.path()));
        server.webSocket("/page", Started.ECHO); // one path, both kinds of route
        return server.start("127.0.0.1", 0);
    }

    private int serve() throws IOException {
        return serve(WebSocketOptions.defaults());
    }

    /** A response read off a raw socket: status line, head fields, body (de-chunked). */
    record Answer(String statusLine, io.switchboard.api.Headers headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    static Answer read(InputStream in, boolean headOnly) throws IOException {
        HttpHead head = HttpHead.readResponse(in, 16 * 1024);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!headOnly) {
            if (head.headers().containsToken("Transfer-Encoding", "chunked")) {
                while (true) {
                    String size = readLine(in);
                    int n = Integer.parseInt(size.strip(), 16);
                    if (n == 0) {
                        readLine(in);
                        break;
                    }
                    body.write(in.readNBytes(n));
                    readLine(in);
                }
            } else {
                int n = Integer.parseInt(head.headers().first("Content-Length").orElseThrow());
                body.write(in.readNBytes(n));
            }
        }
        return new Answer(head.startLine(), head.headers(), body.toString(StandardCharsets.UTF_8));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    @Test
    void getAnswersWithTheHandlersResponseAndKeepsTheConnectionAlive() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /hello?name=ops HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Answer first = read(in, false);
            assertEquals("HTTP/1.1 200 OK", first.statusLine());
            assertEquals("hello ops", first.body());
            assertEquals("text/plain; charset=utf-8", first.headers().first("Content-Type").orElseThrow());
            assertTrue(first.headers().contains("Date"));
            assertTrue(first.headers().first("Connection").isEmpty(), "kept alive");
            send(socket, "GET /page HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            Answer second = read(in, false);
            assertEquals("<p>page</p>", second.body());
            assertEquals("no-store", second.headers().first("Cache-Control").orElseThrow());
            assertEquals("close", second.headers().first("Connection").orElseThrow());
            assertEquals(-1, in.read(), "closed after Connection: close");
        }
    }

    @Test
    void headSendsTheHeadWithoutTheBody() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Answer head = read(in, true);
            assertEquals(200, head.status());
            assertEquals("9", head.headers().first("Content-Length").orElseThrow());
            Answer get = read(in, false); // pipelined: the next bytes are the second response, so HEAD sent no body
            assertEquals("hello you", get.body());
        }
    }

    @Test
    void aStreamOfUnknownLengthIsChunked() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Answer answer = read(in, false);
            assertEquals("chunked", answer.headers().first("Transfer-Encoding").orElseThrow());
            assertEquals(100_000, answer.body().length());
        }
    }

    @Test
    void theJdkHttpClientGetsPagesAndPrefixRoutes() throws Exception {
        int port = serve();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        var page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/page")).build(),
                BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("<p>page</p>", page.body());
        var file = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/a/b.txt")).build(),
                BodyHandlers.ofString());
        assertEquals("file /files/a/b.txt", file.body());
        var stream = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stream")).build(),
                BodyHandlers.ofByteArray());
        assertEquals(100_000, stream.body().length);
        var missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files")).build(),
                BodyHandlers.ofString());
        assertEquals(404, missing.statusCode(), "the prefix route covers what is below /files/ only");
    }

    @Test
    void anUpgradeOnAPathWithBothRoutesReachesTheWebSocketHandler() throws Exception {
        int port = serve();
        WebSocketClient client = started.client(new WebSocketClient("ws://127.0.0.1:" + port + "/page"));
        assertTrue(client.connect().isConnected());
        client.send("hi");
        assertEquals("hi", ((Message.Text) client.read()).text());
    }

    @Test
    void otherMethodsGet405WithAllow() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "DELETE /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Answer answer = read(in, false);
            assertEquals(405, answer.status());
            assertEquals("GET, HEAD", answer.headers().first("Allow").orElseThrow());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aRequestWithABodyOrWithoutHostIsRefusedWith400() throws Exception {
        int port = serve();
        for (String request : new String[] {
                "GET /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc",
                "GET /hello HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GET /hello HTTP/1.1\r\n\r\n",
                "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
            try (Socket socket = connect(port)) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                send(socket, request);
                assertEquals(400, read(in, false).status(), request);
                assertEquals(-1, in.read(), request);
            }
        }
    }

    @Test
    void aHeadOverTheLimitGets431() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(9000) + "\r\n\r\n");
            assertEquals(431, read(in, false).status());
        }
    }

    @Test
    void aHandlerThatThrowsGives500AndTheServerGoesOn() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /fails HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(500, read(in, false).status());
            assertEquals(-1, in.read());
        }
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("HTTP handler for /fails failed")), log.lines().toString());
        try (Socket socket = connect(port)) {
            send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, read(new BufferedInputStream(socket.getInputStream()), false).status());
        }
    }

    @Test
    void laterRequestsForOtherPathsOrUpgradesEndTheConnection() throws Exception {
        int port = serve();
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, read(in, false).status());
            send(socket, "GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(404, read(in, false).status());
            assertEquals(-1, in.read());
        }
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, read(in, false).status());
            send(socket, "GET /page HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(400, read(in, false).status());
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        int port = serve(WebSocketOptions.builder().handshakeTimeout(Duration.ofMillis(300)).build());
        try (Socket socket = connect(port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, read(in, false).status());
            assertEquals(-1, in.read(), "closed by the server while idle (the socket timeout is 10 s)");
        }
    }

    @Test
    void aRemovedRouteAnswers404() throws Exception {
        WebSocketServer server = started.server(new WebSocketServer());
        server.get("/gone", request -> Response.text(200, "here"));
        int port = server.start("127.0.0.1", 0);
        assertTrue(server.removeGet("/gone"));
        try (Socket socket = connect(port)) {
            send(socket, "GET /gone HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(404, read(new BufferedInputStream(socket.getInputStream()), false).status());
        }
    }
}
