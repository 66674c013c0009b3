package io.switchboard.websocket;

import static io.switchboard.websocket.RawPeer.BINARY;
import static io.switchboard.websocket.RawPeer.CONTINUATION;
import static io.switchboard.websocket.RawPeer.PING;
import static io.switchboard.websocket.RawPeer.PONG;
import static io.switchboard.websocket.RawPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.CloseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large masked frames, unmasked in pieces as they arrive (partly from the session's small input
 * buffer, partly read straight into the message): echoed intact whatever the sizes and wherever
 * TCP splits them (inside the header, right after it, inside a UTF-8 sequence), with every byte
 * counted once, and invalid UTF-8 deep inside a large text frame still closing with 1007.
 */
@Timeout(60)
class LargeMaskedFramesTest {

    private final Started started = new Started();
    private WebSocketServer server;
    private int port;

    @BeforeEach
    void startServer() throws IOException {
        server = started.server(new WebSocketServer(WebSocketOptions.builder().build()));
        server.webSocket("/echo", Started.ECHO);
        port = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        started.close();
    }

    /** Writes {@code bytes} in pieces ending at each of {@code cuts} (those inside it), then the rest. */
    private static void writeSplit(RawPeer peer, byte[] bytes, int... cuts) throws IOException {
        int from = 0;
        for (int cut : Arrays.stream(cuts).filter(c -> c > 0 && c < bytes.length).sorted().distinct().toArray()) {
            peer.write(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        peer.write(Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** Reads one data message's frames (skipping pongs) and returns its opcode's payload. */
    private static byte[] readMessage(RawPeer peer, int opcode) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean first = true;
        while (true) {
            RawPeer.Frame frame = peer.readFrame();
            if (frame.opcode() == PONG) {
                continue;
            }
            assertEquals(first ? opcode : CONTINUATION, frame.opcode(), frame.toString());
            message.writeBytes(frame.payload());
            first = false;
            if (frame.fin()) {
                return message.toByteArray();
            }
        }
    }

    private static int headerLength(int payloadLength) {
        return 2 + 4 + (payloadLength <= 125 ? 0 : payloadLength <= 0xFFFF ? 2 : 8);
    }

    @Test
    void binaryMessagesOfOddSizesEchoIntactWhereverTcpSplitsThem() throws IOException {
        Random random = new Random(11);
        int[] sizes = {8191, 8192, 8193, 65535, 65536, 65537, 100_003, 262_147};
        long sent = 0;
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            for (int size : sizes) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                byte[] frame = RawPeer.frame(true, 0, BINARY, payload, random.nextInt(), true);
                int header = headerLength(size);
                // inside the header; right after it; a few payload bytes with it (buffered by the
                // session's input before the direct reads); odd places inside the payload
                writeSplit(peer, frame, 1, header, header + 3, header + 2050, header + size / 2 + 5, frame.length - 1);
                sent += frame.length;
                assertArrayEquals(payload, readMessage(peer, BINARY), "echo of " + size + " bytes");
            }
            long expected = sent;
            assertEquals(expected, server.metrics().sessions().get(0).bytesIn(), "every byte counted once");
        }
    }

    @Test
    void largeTextInFragmentsWithAPingBetweenThemEchoesIntact() throws IOException {
        String text = "aé€😀".repeat(15_000) + "end"; // 1 + 2 + 3 + 4 bytes per round: 150,003 bytes
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int firstLength = 10_001; // ends inside a 4-byte sequence
        byte[] first = RawPeer.frame(false, 0, TEXT, Arrays.copyOfRange(utf8, 0, firstLength), 0x01020304, true);
        byte[] ping = RawPeer.frame(true, 0, PING, "between".getBytes(StandardCharsets.UTF_8), 0x7f00ff01, true);
        byte[] rest = RawPeer.frame(true, 0, CONTINUATION, Arrays.copyOfRange(utf8, firstLength, utf8.length),
                0x80fe3d21, true);
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            writeSplit(peer, first, 3, 9, 5000);
            peer.write(ping);
            int header = headerLength(utf8.length - firstLength);
            writeSplit(peer, rest, header - 1, header + 1, header + 65_537, header + 100_002);
            assertEquals(text, new String(readMessage(peer, TEXT), StandardCharsets.UTF_8));
        }
    }

    @Test
    void invalidUtf8DeepInALargeTextFrameClosesWith1007() throws IOException {
        byte[] payload = "valid text ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        payload[70_001] = (byte) 0xFF; // never valid in UTF-8
        byte[] frame = RawPeer.frame(true, 0, TEXT, payload, 0x37fa213d, true);
        try (RawPeer peer = RawPeer.upgrade(port, "/echo")) {
            writeSplit(peer, frame, 14, 14 + 70_000);
            peer.expectCloseThenEnd(CloseStatus.INVALID_PAYLOAD.code());
        }
    }
}
