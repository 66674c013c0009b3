package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC 7692 message transform, checked against the JDK's zlib directly and against the RFC's vectors. */
class PerMessageDeflateTest {

    // RFC 7692 §7.2.3: server frames (unmasked), read by a client.
    private static final String HELLO = "c107f248cdc9c90700";                           // §7.2.3.1
    private static final String HELLO_FRAGMENTED = "4103f248cd" + "8004c9c90700";      // §7.2.3.1
    private static final String HELLO_AGAIN_WITH_CONTEXT = "c105f200110000";          // §7.2.3.2
    private static final String HELLO_STORED = "c10b0005 00faff48656c6c6f00";          // §7.2.3.3
    private static final String HELLO_BFINAL = "c108f348cdc9c9070000";                  // §7.2.3.4
    private static final String HELLO_TWO_BLOCKS = "c10df248050000 00ffffcac9c90700";   // §7.2.3.5
    private static final String EMPTY = "c10100";                                       // §7.2.3.6
    private static final String CLOSE = "8800";

    private static List<String> read(MessageInflater inflater, String... frames) throws Exception {
        byte[] bytes = HexFormat.of().parseHex(String.join("", frames).replace(" ", "") + CLOSE);
        RecordingCallback callback = new RecordingCallback();
        return callback.readToClose(new FrameReader(new ByteArrayInputStream(bytes), true, 1 << 20, inflater,
                InboundMemory.UNLIMITED.account(), callback));
    }

    @Test
    void rfc7692ExamplesDecodeExactlyWithoutContextTakeover() throws Exception {
        MessageInflater inflater = new MessageInflater(15, false);
        assertEquals(List.of("text Hello", "text Hello", "text Hello", "text Hello", "text Hello", "text ", "text Hello",
                "close 1005 "), read(inflater, HELLO, HELLO_FRAGMENTED, HELLO_STORED, HELLO_BFINAL, HELLO_TWO_BLOCKS,
                EMPTY, HELLO));
    }

    @Test
    void anUncompressedMessageOnADeflateSessionIsStreamedNotBuffered() throws Exception {
        // 1000 bytes of text, uncompressed (RSV1 clear), above the buffered limit of 100 bytes
        String big = "7e03e8" + "61".repeat(1000);
        byte[] bytes = HexFormat.of().parseHex("81" + big + HELLO.replace(" ", "") + CLOSE);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), true, 100, new MessageInflater(15, true),
                InboundMemory.UNLIMITED.account(), new RecordingCallback());
        assertEquals(WebSocketProtocol.OPCODE_TEXT, reader.startStreamed());
        assertEquals("a".repeat(1000), new String(readAll(reader), StandardCharsets.UTF_8));
        assertEquals(WebSocketProtocol.OPCODE_TEXT, reader.startStreamed()); // compressed: inflated, then streamed
        assertEquals("Hello", new String(readAll(reader), StandardCharsets.UTF_8));
    }

    @Test
    void anIdleSessionKeepsNoLargeBufferAfterCompressedMessages() throws Exception {
        // was: a 64 KiB read buffer (and a 4 KiB message buffer) kept for the session's life
        InboundMemory.Account account = new InboundMemory(1 << 30).account();
        byte[] bytes = HexFormat.of().parseHex((HELLO + HELLO_AGAIN_WITH_CONTEXT).replace(" ", ""));
        MessageInflater inflater = new MessageInflater(15, true);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), true, 1 << 20, inflater, account,
                new RecordingCallback());
        assertEquals("text Hello", RecordingCallback.describe(reader.readMessage()));
        assertEquals("text Hello", RecordingCallback.describe(reader.readMessage()));
        long buffers = account.held() - inflater.retainedBytes();
        assertTrue(buffers >= 0 && buffers <= 1024, buffers + " bytes of buffers held");
    }

    @Test
    void theContextWindowIsChargedToTheInboundMemoryBudget() throws Exception {
        InboundMemory.Account account = new InboundMemory(1 << 30).account();
        MessageInflater inflater = new MessageInflater(12, true);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex(HELLO + HELLO)), true,
                1 << 20, inflater, account, new RecordingCallback());
        reader.readMessage();
        reader.readMessage();
        assertTrue(account.held() >= MessageInflater.stateBytes(12), account.held() + " bytes held");
        assertTrue(account.held() <= MessageInflater.stateBytes(12) + 1024, account.held() + " bytes held");
    }

    private static byte[] readAll(FrameReader reader) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[64];
        int n;
        while ((n = reader.readStreamed(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void rfc7692SharedWindowExampleDecodesWithContextTakeover() throws Exception {
        MessageInflater inflater = new MessageInflater(15, true);
        assertEquals(List.of("text Hello", "text Hello", "text Hello", "close 1005 "),
                read(inflater, HELLO, HELLO_AGAIN_WITH_CONTEXT, HELLO_AGAIN_WITH_CONTEXT));
        assertEquals(MessageInflater.stateBytes(15), inflater.retainedBytes(), "the window is kept between messages");
        inflater.release();
        assertEquals(0, inflater.retainedBytes());
    }

    @Test
    void everyExampleDecodesWithContextTakeoverAndSmallWindows() throws Exception {
        MessageInflater inflater = new MessageInflater(8, true);
        // after the BFINAL message the stream starts anew: the next messages carry no back-reference to it
        assertEquals(List.of("text Hello", "text Hello", "text Hello", "text Hello", "text Hello", "text Hello",
                "text ", "text Hello", "close 1005 "), read(inflater, HELLO, HELLO_AGAIN_WITH_CONTEXT, HELLO_FRAGMENTED,
                HELLO_STORED, HELLO_BFINAL, HELLO_TWO_BLOCKS, EMPTY, HELLO));
    }

    @Test
    void aBackReferenceWithoutAgreedContextIs1007() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> read(new MessageInflater(15, false), HELLO, HELLO_AGAIN_WITH_CONTEXT));
        assertEquals(CloseStatus.INVALID_PAYLOAD, e.status(), e.getMessage());
    }

    @Test
    void aMessageLongerThanTheWindowIsCompressedWithinIt() throws Exception {
        // 300 distinct bytes, then the first 20 again: a 32 KiB window would match 300 back,
        // beyond the 256 bytes of an 8-bit window (which JZlib, like zlib 1.1, does not check)
        byte[] data = new byte[320];
        for (int i = 0; i < 300; i++) {
            data[i] = (byte) (i * 7 + i / 256);
        }
        System.arraycopy(data, 0, data, 300, 20);
        for (boolean takeover : new boolean[] {true, false}) {
            MessageDeflater deflater = new MessageDeflater(8, 1, takeover);
            MessageInflater inflater = new MessageInflater(8, true); // a JZlib stream with a 256-byte window
            for (int i = 0; i < 3; i++) {
                byte[] fitted = deflater.compress(data, 0, data.length);
                assertArrayEquals(data, DeflateNegotiationTest.inflate(inflater, fitted));
            }
        }
    }
    @Test
    void contextTakeoverMakesARepeatedMessageSmallAndReleaseDropsTheState() throws Exception {
        byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        MessageDeflater deflater = new MessageDeflater(15, 8, true);
        MessageInflater inflater = new MessageInflater(15, true);
        byte[] first = deflater.compress(hello, 0, hello.length);
        byte[] second = deflater.compress(hello, 0, hello.length);
        assertTrue(second.length < first.length, first.length + " then " + second.length);
        assertArrayEquals(hello, DeflateNegotiationTest.inflate(inflater, first));
        assertArrayEquals(hello, DeflateNegotiationTest.inflate(inflater, second));
        assertEquals(MessageDeflater.stateBytes(15, 8), deflater.retainedBytes());
        deflater.release();
        assertEquals(0, deflater.retainedBytes());
        // after release a message is still compressed correctly, without context and keeping nothing
        byte[] third = deflater.compress(hello, 0, hello.length);
        assertArrayEquals(hello, DeflateNegotiationTest.inflate(inflater, third));
        assertEquals(0, deflater.retainedBytes());
    }

    @Test
    void memoryPerSessionFollowsZlibsFormula() {
        assertEquals(262 * 1024, MessageDeflater.stateBytes(15, 8));      // zlib's default: 256 KiB + trees
        assertEquals(30 * 1024, MessageDeflater.stateBytes(12, 4));      // the default policy
        assertEquals(50 * 1024, MessageInflater.stateBytes(15));
        assertEquals(22 * 1024, MessageInflater.stateBytes(12));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 1000, 70_000, 1 << 20})
    void deflatedMessagesInflateBackWithTheTailRestored(int length) throws Exception {
        byte[] data = new byte[length];
        Random random = new Random(length);
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 'a' + i % 7);
        }
        byte[] compressed = PerMessageDeflate.deflate(data, 0, length);
        if (length == 0) {
            assertArrayEquals(new byte[] {0}, compressed, "§7.2.3.6: an empty message is one 0x00 byte");
        }
        Inflater inflater = new Inflater(true);
        inflater.setInput(concat(compressed, PerMessageDeflate.TAIL));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inflater.inflate(buf)) > 0 || !inflater.needsInput()) {
            out.write(buf, 0, n);
            if (n == 0 && inflater.needsInput()) {
                break;
            }
        }
        assertArrayEquals(data, out.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
