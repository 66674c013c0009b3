package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate end to end: our client and server, a raw peer that compresses with the
 * JDK's zlib directly, the RFC 7692 violations, and Jetty 12 as an independent peer.
 */
@Timeout(30)
class DeflateTest {

    private static final WebSocketOptions DEFLATE = WebSocketOptions.builder().compression(true)
            .maxMessageSize(8L * 1024 * 1024).closeTimeout(Duration.ofMillis(500)).build();

    private WebSocketServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = new WebSocketServer(DEFLATE);
        server.webSocket("/echo", Started.ECHO);
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static byte[] compressible(int length, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : "switchboard".charAt(i % 11));
        }
        return data;
    }

    @Test
    void ourClientAndServerAgreeAndEchoEverySize() {
        WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + port + "/echo", Headers.empty(), DEFLATE);
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        assertTrue(result.headers().first("Sec-WebSocket-Extensions").orElse("").startsWith("permessage-deflate"));
        for (int length : List.of(0, 1, 63, 64, 65, 4096, 100_000, 3 * 1024 * 1024)) {
            byte[] data = compressible(length, length);
            assertTrue(client.send(data));
            assertEquals(new Message.Binary(data), client.read(), length + " bytes");
            String text = new String(data, StandardCharsets.ISO_8859_1) + "é€😀";
            assertTrue(client.send(text));
            assertEquals(Message.text(text), client.read(), length + " chars");
        }
        client.close();
        assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
    }

    @Test
    void withoutTheOptionNothingIsOfferedOrAccepted() {
        WebSocketClient plain = new WebSocketClient("ws://127.0.0.1:" + port + "/echo");
        ConnectResult result = plain.connect();
        assertTrue(result.isConnected());
        assertEquals(Optional.empty(), result.headers().first("Sec-WebSocket-Extensions"));
        assertTrue(plain.send("x".repeat(1000)));
        assertEquals(Message.text("x".repeat(1000)), plain.read());
        plain.close();
    }

    /** A peer that speaks deflate through the JDK's zlib, independent of the engine's code. */
    private static final class Peer implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;
        final String status;
        final String extensions;

        Peer(int port) throws IOException {
            this(port, "permessage-deflate; client_max_window_bits");
        }

        Peer(int port, String offer) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: " + offer + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            status = head.toString().lines().findFirst().orElse("");
            extensions = head.toString().lines().filter(l -> l.startsWith("Sec-WebSocket-Extensions:"))
                    .findFirst().orElse("");
        }

        /** Sends one frame with a fixed mask key; b0 carries FIN, RSV and opcode. */
        void frame(int b0, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(b0);
            if (payload.length < 126) {
                f.write(0x80 | payload.length);
            } else {
                f.write(0x80 | 126);
                f.write(payload.length >> 8);
                f.write(payload.length);
            }
            byte[] key = {1, 2, 3, 4};
            f.write(key);
            for (int i = 0; i < payload.length; i++) {
                f.write(payload[i] ^ key[i & 3]);
            }
            out.write(f.toByteArray());
        }

        /** Reads one unmasked server frame: returns {b0, payload}. */
        Object[] read() throws IOException {
            DataInputStream d = new DataInputStream(in);
            int b0 = d.readUnsignedByte();
            int len = d.readUnsignedByte() & 0x7F;
            if (len == 126) {
                len = d.readUnsignedShort();
            } else if (len == 127) {
                len = (int) d.readLong();
            }
            byte[] payload = new byte[len];
            d.readFully(payload);
            return new Object[] {b0, payload};
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] zlibDeflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        byte[] out = new byte[data.length + 1024];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return java.util.Arrays.copyOf(out, n - 4); // without 00 00 FF FF
    }

    private static byte[] zlibInflate(byte[] data) throws Exception {
        Inflater inflater = new Inflater(true);
        byte[] input = java.util.Arrays.copyOf(data, data.length + 4);
        input[data.length + 2] = (byte) 0xFF;
        input[data.length + 3] = (byte) 0xFF;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }

    @Test
    void serverInflatesFramesFromAnotherZlibAndCompressesItsOwn() throws Exception {
        try (Peer peer = new Peer(port)) {
            assertTrue(peer.extensions.contains("permessage-deflate"), peer.extensions);
            byte[] text = "hello hello hello hello hello hello hello hello hello hello hello hello!".getBytes(StandardCharsets.UTF_8);
            byte[] compressed = zlibDeflate(text);
            // fragmented: RSV1 on the first frame only
            peer.frame(0x40 | 0x01, java.util.Arrays.copyOf(compressed, 5));
            peer.frame(0x80, java.util.Arrays.copyOfRange(compressed, 5, compressed.length));
            Object[] reply = peer.read();
            assertEquals(0x80 | 0x40 | 0x01, reply[0], "a final, compressed text frame");
            assertArrayEquals(text, zlibInflate((byte[]) reply[1]));
            // a short message comes back uncompressed
            peer.frame(0x80 | 0x01, "hi".getBytes(StandardCharsets.UTF_8));
            Object[] shortReply = peer.read();
            assertEquals(0x81, shortReply[0]);
            assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), (byte[]) shortReply[1]);
        }
    }

    private static int closeCodeAfter(Peer peer) throws IOException {
        while (true) {
            Object[] f = peer.read();
            if (((int) f[0] & 0x0F) == 0x8) {
                byte[] p = (byte[]) f[1];
                return ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
            }
        }
    }

    @Test
    void aMalformedExtensionElementIsDeclinedNotAFailedHandshake() throws Exception {
        try (Peer peer = new Peer(port, ";")) {
            assertEquals("HTTP/1.1 101 Switching Protocols", peer.status);
            assertEquals("", peer.extensions, "nothing agreed");
            peer.frame(0x80 | 0x01, "x".repeat(100).getBytes(StandardCharsets.UTF_8));
            Object[] reply = peer.read();
            assertEquals(0x81, reply[0], "uncompressed");
            assertArrayEquals("x".repeat(100).getBytes(StandardCharsets.UTF_8), (byte[]) reply[1]);
        }
        try (Peer peer = new Peer(port, "x-other; note=\"a, permessage-deflate, b\"")) {
            assertEquals("HTTP/1.1 101 Switching Protocols", peer.status);
            assertEquals("", peer.extensions, "permessage-deflate was not offered, only quoted");
        }
    }

    @Test
    void rsv1OnAContinuationFrameIs1002() throws Exception {
        try (Peer peer = new Peer(port)) {
            byte[] compressed = zlibDeflate("abcabcabc".getBytes(StandardCharsets.UTF_8));
            peer.frame(0x40 | 0x01, compressed);
            peer.frame(0x80 | 0x40, new byte[] {0});
            assertEquals(1002, closeCodeAfter(peer));
        }
    }

    @Test
    void rsv1OnAControlFrameIs1002() throws Exception {
        try (Peer peer = new Peer(port)) {
            peer.frame(0x80 | 0x40 | 0x9, new byte[0]);
            assertEquals(1002, closeCodeAfter(peer));
        }
    }

    @Test
    void corruptDeflateDataIs1007() throws Exception {
        try (Peer peer = new Peer(port)) {
            peer.frame(0x80 | 0x40 | 0x02, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x12, 0x34});
            assertEquals(1007, closeCodeAfter(peer));
        }
    }

    @Test
    void compressedInvalidUtf8Is1007() throws Exception {
        try (Peer peer = new Peer(port)) {
            peer.frame(0x80 | 0x40 | 0x01, zlibDeflate(new byte[] {'o', 'k', (byte) 0xC3, 0x28}));
            assertEquals(1007, closeCodeAfter(peer));
        }
    }

    @Test
    void aCompressionBombStopsAtTheSizeLimitWith1009() throws Exception {
        byte[] zeros = new byte[16 * 1024 * 1024]; // 16 MiB of zeros deflate to a few KiB
        byte[] bomb = zlibDeflate(zeros);
        assertTrue(bomb.length < 65_535, "fits one 16-bit frame: " + bomb.length);
        try (Peer peer = new Peer(port)) {
            peer.frame(0x80 | 0x40 | 0x02, bomb);
            assertEquals(1009, closeCodeAfter(peer));
        }
    }

    @Test
    void ourClientCompressesWithJetty() throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(4 * 1024 * 1024);
            container.setMaxBinaryMessageSize(4 * 1024 * 1024);
            container.addMapping("/echo", (request, response, callback) -> new JettyServerInteropTest.JettyEcho(
                    new java.util.concurrent.CompletableFuture<>()));
        }));
        jetty.start();
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + connector.getLocalPort() + "/echo",
                    Headers.empty(), DEFLATE);
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            assertTrue(result.headers().first("Sec-WebSocket-Extensions").orElse("").contains("permessage-deflate"),
                    result.headers().toString());
            for (int length : List.of(10, 1000, 200_000)) {
                String text = new String(compressible(length, 7), StandardCharsets.ISO_8859_1);
                assertTrue(client.send(text));
                assertEquals(Message.text(text), client.read());
                byte[] data = compressible(length, 11);
                assertTrue(client.send(data));
                assertEquals(new Message.Binary(data), client.read());
            }
            client.close();
            assertEquals(CloseStatus.NORMAL, client.closeStatus().orElseThrow());
            assertNull(client.read());
        } finally {
            jetty.stop();
        }
    }
}
