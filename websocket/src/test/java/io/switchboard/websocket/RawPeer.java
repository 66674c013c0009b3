package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One end of a WebSocket connection driven by hand over a plain {@link Socket}: writes HTTP
 * heads and frames byte by byte, so tests can send what our engine would never send, and reads
 * frames back without any of the engine's own rules. Frame parsing here is deliberately
 * independent of {@code internal.FrameReader}, so a bug there cannot hide itself.
 *
 * <p>Used as a misbehaving client against our server, and (through {@link #of(Socket)}) as a
 * fake server against our client. Every read is bounded by the socket's read timeout. Not
 * thread-safe.
 */
final class RawPeer implements AutoCloseable {

    /** The example key of RFC 6455 §1.3 and the accept value that answers it. */
    static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Bounds every blocking read, so a missing answer fails the test instead of hanging it. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A peer over an accepted or connected socket. */
    static RawPeer of(Socket socket) throws IOException {
        return new RawPeer(socket);
    }

    /** A TCP connection to 127.0.0.1:{@code port}, nothing sent yet. */
    static RawPeer connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        return new RawPeer(socket);
    }

    /** Connects and completes a valid upgrade to {@code path}; asserts the 101 and its accept key. */
    static RawPeer upgrade(int port, String path) throws IOException {
        RawPeer peer = connect(port);
        peer.writeAscii(upgradeRequest("GET", path));
        Head head = peer.readHead();
        assertEquals(101, head.status(), head.toString());
        assertEquals(SAMPLE_ACCEPT, head.headers().first("Sec-WebSocket-Accept").orElse(null), head.toString());
        return peer;
    }

    /** A valid upgrade request head with {@code extraLines} (each {@code "Name: value"}) added. */
    static String upgradeRequest(String method, String path, String... extraLines) {
        StringBuilder sb = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(SAMPLE_KEY).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String line : extraLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** §4.2.2: the accept value for {@code key}, computed here independently of the engine. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** An HTTP start line and header fields; {@code status} is 0 for a request head. */
    record Head(String startLine, Headers headers) {
        int status() {
            String[] parts = startLine.split(" ");
            return startLine.startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        }
    }

    /**
     * One frame as it was on the wire; {@code payload} is unmasked already, {@code headerLength}
     * counts the header bytes including the length field and any mask key.
     */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, int maskKey, byte[] payload, int headerLength) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or -1 if it has no payload. */
        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=" + opcode + ", masked=" + masked
                    + ", length=" + payload.length + (opcode == CLOSE ? ", code=" + closeCode() + " " + closeReason() : "")
                    + "]";
        }
    }

    void writeAscii(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP head up to its blank line, nothing beyond. */
    Head readHead() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String startLine = null;
        Headers.Builder headers = Headers.builder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside the HTTP head after " + startLine + " " + headers.build());
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (startLine == null) {
                startLine = text;
            } else if (text.isEmpty()) {
                return new Head(startLine, headers.build());
            } else {
                int colon = text.indexOf(':');
                headers.add(text.substring(0, colon), text.substring(colon + 1).strip());
            }
        }
    }

    /** Reads {@code n} bytes, e.g. a response body of known length. */
    byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("stream ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** Reads until the peer ends the stream; fails if it does not within the read timeout. */
    byte[] readToEnd() throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the peer did not end the TCP stream within " + READ_TIMEOUT_MILLIS + " ms", e);
        }
    }

    /** Builds a frame by hand. With {@code mask}, a random key is used. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean mask) {
        return frame(fin, rsv, opcode, payload, mask ? ThreadLocalRandom.current().nextInt() : 0, mask);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, int maskKey, boolean mask) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 14);
        bytes.write((fin ? 0x80 : 0) | rsv | opcode);
        int maskBit = mask ? 0x80 : 0;
        if (payload.length <= 125) {
            bytes.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            bytes.write(maskBit | 126);
            bytes.write(payload.length >>> 8);
            bytes.write(payload.length);
        } else {
            bytes.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (mask) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes.write(maskKey >>> shift);
            }
            for (int i = 0; i < body.length; i++) {
                body[i] ^= (byte) (maskKey >>> (24 - 8 * (i & 3)));
            }
        }
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** A close frame's payload: the code (if not negative) followed by the UTF-8 reason. */
    static byte[] closePayload(int code, String reason) {
        if (code < 0) {
            return new byte[0];
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** Sends one masked frame, as a well-behaved client would. */
    void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        write(frame(fin, 0, opcode, payload, true));
    }

    void sendText(String text) throws IOException {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
        sendFrame(true, CLOSE, closePayload(code, reason));
    }

    /** Sends {@code text} in one text frame and asserts that the very next frame is its echo. */
    void expectEcho(String text) throws IOException {
        sendText(text);
        Frame frame = readFrame();
        assertEquals(TEXT, frame.opcode(), frame.toString());
        assertEquals(text, frame.text());
    }

    /** Reads the next frame, whatever it is. */
    Frame readFrame() throws IOException {
        byte[] h = readBytes(2);
        int headerLength = 2;
        boolean fin = (h[0] & 0x80) != 0;
        int rsv = h[0] & 0x70;
        int opcode = h[0] & 0x0F;
        boolean masked = (h[1] & 0x80) != 0;
        long length = h[1] & 0x7F;
        if (length == 126) {
            byte[] l = readBytes(2);
            headerLength += 2;
            length = ((l[0] & 0xFF) << 8) | (l[1] & 0xFF);
        } else if (length == 127) {
            byte[] l = readBytes(8);
            headerLength += 8;
            length = 0;
            for (byte b : l) {
                length = (length << 8) | (b & 0xFF);
            }
        }
        assertTrue(length >= 0 && length <= Integer.MAX_VALUE - 8, "frame length " + length);
        int key = 0;
        if (masked) {
            byte[] k = readBytes(4);
            headerLength += 4;
            key = ((k[0] & 0xFF) << 24) | ((k[1] & 0xFF) << 16) | ((k[2] & 0xFF) << 8) | (k[3] & 0xFF);
        }
        byte[] payload = readBytes((int) length);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
            }
        }
        return new Frame(fin, rsv, opcode, masked, key, payload, headerLength);
    }

    /**
     * Asserts that the very next frame is an unmasked, final close frame with {@code code}, and
     * that the peer then ends the TCP stream in an orderly way (FIN, not a reset or silence).
     */
    Frame expectCloseThenEnd(int code) throws IOException {
        Frame frame = readFrame();
        assertEquals(CLOSE, frame.opcode(), "expected a close frame, got " + frame);
        assertEquals(code, frame.closeCode(), "close code of " + frame + " (reason: " + frame.closeReason() + ")");
        assertTrue(frame.fin(), "close frame must be final");
        expectEnd();
        return frame;
    }

    /** Asserts that the stream ends (read returns -1) before the read timeout. */
    void expectEnd() throws IOException {
        try {
            int b = in.read();
            assertEquals(-1, b, "expected the end of the stream, got another byte");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the peer did not end the TCP stream within " + READ_TIMEOUT_MILLIS + " ms", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Resets the connection (RST instead of FIN): SO_LINGER 0, then close. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
