package io.switchboard.websocket;

import io.switchboard.websocket.internal.FrameReader;
import io.switchboard.websocket.internal.FrameWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A hand-driven WebSocket client for lifecycle tests: it does exactly what a test tells it and
 * nothing else (no automatic pongs, no reading unless asked). Reads are bounded by a socket
 * timeout so a test never hangs.
 */
final class RawClient implements AutoCloseable {

    /** What the reader saw: control frames in order, and the close frame if one arrived. */
    final List<String> controlFrames = new ArrayList<>();
    int closeCode = -1;
    String closeReason;

    final Socket socket;
    final InputStream in;
    private final FrameWriter writer;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.writer = new FrameWriter(socket.getOutputStream(), new Random(7));
    }

    /** Connects and completes an upgrade to {@code path}; the 101 head has been consumed. */
    static RawClient upgrade(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        RawClient client = new RawClient(socket);
        client.sendRaw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        String head = client.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            client.close();
            throw new IOException("no upgrade: " + head);
        }
        return client;
    }

    /** Connects without sending anything. */
    static RawClient connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        return new RawClient(socket);
    }

    void sendRaw(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    void sendText(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        writer.writeFrame(0x1, true, b, 0, b.length);
    }

    /** Reads the response head up to the blank line. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads frames until the server's close frame (returned as its code) or the end of the
     * stream (-1), recording pings without answering them.
     */
    int readUntilClose() throws IOException {
        FrameReader reader = new FrameReader(in, true, 64L * 1024 * 1024, new FrameReader.Callback() {
            @Override
            public void onPing(byte[] payload) {
                controlFrames.add("ping");
            }

            @Override
            public void onPong(byte[] payload) {
                controlFrames.add("pong");
            }

            @Override
            public void onClose(int code, String reason) {
                closeCode = code;
                closeReason = reason;
            }
        });
        try {
            while (reader.readMessage() != null) {
                // data messages are not the point here
            }
            return closeCode;
        } catch (java.io.EOFException e) {
            return -1;
        }
    }

    /** Whether the server has closed the TCP connection (reads end of stream), within the socket timeout. */
    boolean endOfStream() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketException e) {
            return true; // reset by the server: closed as well
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
