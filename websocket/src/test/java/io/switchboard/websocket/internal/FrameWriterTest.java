package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.Frames.hex;
import static io.switchboard.websocket.internal.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.api.spi.GatheringOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writer → reader round trips in both roles, and the exact bytes of the header, mask and
 * close payload (RFC 6455 §5.2, §5.3, §5.5.1).
 */
class FrameWriterTest {

    private static final long SEED = 6455;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RecordingCallback callback = new RecordingCallback();

    private FrameWriter clientWriter() {
        return new FrameWriter(out, new Random(SEED));
    }

    private FrameWriter serverWriter() {
        return new FrameWriter(out, null);
    }

    /** A reader for the other side of the connection from the writer's role. */
    private FrameReader peerOf(boolean writerIsClient) {
        return new FrameReader(new ByteArrayInputStream(out.toByteArray()), !writerIsClient, Long.MAX_VALUE, callback);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    static Stream<Arguments> rolesAndLengths() {
        int s = FrameWriter.SCRATCH_SIZE;
        return Stream.of(false, true).flatMap(isClient -> IntStream.of(
                        0, 1, 125, 126, 127, 65535, 65536, s - 8, s - 7, s, s + 1, 3 * s + 7, 200_000)
                .mapToObj(length -> Arguments.of(isClient, length)));
    }

    /** The payload length encoded in the header, asserting the shortest form was used. */
    private static long headerLength(byte[] wire) {
        int length7 = wire[1] & 0x7F;
        if (length7 == 126) {
            int length = ((wire[2] & 0xFF) << 8) | (wire[3] & 0xFF);
            assertTrue(length > 125, "16-bit form for " + length);
            return length;
        }
        if (length7 == 127) {
            long length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (wire[i] & 0xFF);
            }
            assertTrue(length > 0xFFFF, "64-bit form for " + length);
            return length;
        }
        return length7;
    }

    private static int headerSize(byte[] wire) {
        int size = switch (wire[1] & 0x7F) {
            case 126 -> 4;
            case 127 -> 10;
            default -> 2;
        };
        return (wire[1] & 0x80) != 0 ? size + 4 : size;
    }

    @ParameterizedTest(name = "isClient={0}, length={1}")
    @MethodSource("rolesAndLengths")
    void binaryRoundTripsThroughTheReader(boolean isClient, int length) throws Exception {
        byte[] payload = randomBytes(length);
        byte[] callersCopy = payload.clone();
        (isClient ? clientWriter() : serverWriter()).writeFrame(WebSocketProtocol.OPCODE_BINARY, true, payload, 0, length);

        assertArrayEquals(callersCopy, payload, "the caller's array must not be masked in place");
        assertEquals(new Message.Binary(payload), peerOf(isClient).readMessage());
        assertEquals(List.of(), callback.events());
    }

    @ParameterizedTest(name = "isClient={0}, length={1}")
    @MethodSource("rolesAndLengths")
    void headerHasTheShortestLengthFormAndTheMaskBitOnlyFromClients(boolean isClient, int length) throws Exception {
        (isClient ? clientWriter() : serverWriter()).writeFrame(WebSocketProtocol.OPCODE_BINARY, true, new byte[length], 0, length);
        byte[] wire = out.toByteArray();

        assertEquals(0x82, wire[0] & 0xFF);
        assertEquals(isClient ? 0x80 : 0, wire[1] & 0x80);
        assertEquals(length, headerLength(wire));
        assertEquals(headerSize(wire) + length, wire.length);
    }

    @ParameterizedTest(name = "length={0}")
    @ValueSource(ints = {0, 5, 126, FrameWriter.SCRATCH_SIZE - 9, FrameWriter.SCRATCH_SIZE + 3, 70_001})
    void clientPayloadIsMaskedWithAFreshKeyFromTheRandomSource(int length) throws Exception {
        byte[] payload = randomBytes(length);
        FrameWriter writer = clientWriter();
        writer.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, payload, 0, length);
        int firstFrameSize = out.size();
        writer.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, payload, 0, length);
        byte[] wire = out.toByteArray();

        Random expected = new Random(SEED);
        for (int frameStart : new int[] {0, firstFrameSize}) {
            byte[] frame = Arrays.copyOfRange(wire, frameStart, frameStart + firstFrameSize);
            int keyAt = headerSize(frame) - 4;
            int key = expected.nextInt();
            byte[] keyBytes = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
            assertArrayEquals(keyBytes, Arrays.copyOfRange(frame, keyAt, keyAt + 4));
            for (int i = 0; i < length; i++) {
                assertEquals(payload[i] ^ keyBytes[i % 4], frame[keyAt + 4 + i], "byte " + i);
            }
        }
    }

    @Test
    void serverPayloadIsWrittenAsIs() throws Exception {
        serverWriter().writeFrame(WebSocketProtocol.OPCODE_TEXT, true, utf8("Hello"), 0, 5);
        assertEquals("810548656c6c6f", hex(out.toByteArray()));
    }

    /** An output stream that records each call: a write, or a gathering write of two ranges. */
    private static final class GatheringRecorder extends ByteArrayOutputStream implements GatheringOutput {
        final List<String> calls = new java.util.ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            calls.add("write " + len);
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(byte[] first, int firstOffset, int firstLength, byte[] second,
                int secondOffset, int secondLength) {
            calls.add("gather " + firstLength + "+" + secondLength);
            super.write(first, firstOffset, firstLength);
            super.write(second, secondOffset, secondLength);
        }
    }

    @Test
    void aLargeServerFrameLeavesInOneGatheringWriteWhereTheStreamOffersIt() throws Exception {
        GatheringRecorder gathering = new GatheringRecorder();
        byte[] payload = randomBytes(3 * FrameWriter.SCRATCH_SIZE);
        new FrameWriter(gathering, null).writeFrame(WebSocketProtocol.OPCODE_BINARY, true, payload, 5,
                payload.length - 9);
        assertEquals(List.of("gather 4+" + (payload.length - 9)), gathering.calls);

        serverWriter().writeFrame(WebSocketProtocol.OPCODE_BINARY, true, payload, 5, payload.length - 9);
        assertArrayEquals(out.toByteArray(), gathering.toByteArray(), "the same bytes as two plain writes");
        assertEquals(new Message.Binary(Arrays.copyOfRange(payload, 5, payload.length - 4)), peerOf(false).readMessage());
    }

    @Test
    void smallAndClientFramesDoNotGather() throws Exception {
        GatheringRecorder gathering = new GatheringRecorder();
        new FrameWriter(gathering, null).writeFrame(WebSocketProtocol.OPCODE_TEXT, true, utf8("Hello"), 0, 5);
        new FrameWriter(gathering, new Random(SEED)).writeFrame(WebSocketProtocol.OPCODE_BINARY, true,
                randomBytes(2 * FrameWriter.SCRATCH_SIZE), 0, 2 * FrameWriter.SCRATCH_SIZE);
        assertTrue(gathering.calls.stream().allMatch(call -> call.startsWith("write ")), gathering.calls.toString());
    }

    @Test
    void writesOnlyTheGivenRangeOfTheArray() throws Exception {
        byte[] array = utf8("xxHelloyy");
        serverWriter().writeFrame(WebSocketProtocol.OPCODE_TEXT, true, array, 2, 5);
        assertEquals(new Message.Text("Hello"), peerOf(false).readMessage());
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void multiByteTextSpanningScratchBuffersRoundTrips(boolean isClient) throws Exception {
        String text = "€✓ü".repeat(FrameWriter.SCRATCH_SIZE / 3);
        byte[] bytes = utf8(text);
        (isClient ? clientWriter() : serverWriter()).writeFrame(WebSocketProtocol.OPCODE_TEXT, true, bytes, 0, bytes.length);
        assertEquals(new Message.Text(text), peerOf(isClient).readMessage());
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void fragmentsWithAControlFrameBetweenThemRoundTrip(boolean isClient) throws Exception {
        FrameWriter writer = isClient ? clientWriter() : serverWriter();
        byte[] text = utf8("Hello, €");
        writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, false, text, 0, 8);
        writer.writeFrame(WebSocketProtocol.OPCODE_PING, true, utf8("p"), 0, 1);
        writer.writeFrame(WebSocketProtocol.OPCODE_CONTINUATION, true, text, 8, text.length - 8);

        assertEquals(new Message.Text("Hello, €"), peerOf(isClient).readMessage());
        assertEquals(List.of("ping 70"), callback.events());
    }

    @Test
    void closeWithCodeAndReasonHasTheExactServerBytes() throws Exception {
        serverWriter().writeClose(1000, "bye");
        assertEquals("880503e8627965", hex(out.toByteArray()));
    }

    @Test
    void closeWithoutCodeHasAnEmptyPayload() throws Exception {
        serverWriter().writeClose(-1, "ignored");
        assertEquals("8800", hex(out.toByteArray()));
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void closeRoundTripsWithCodeAndReason(boolean isClient) throws Exception {
        (isClient ? clientWriter() : serverWriter()).writeClose(4001, "gone ü");
        FrameReader reader = peerOf(isClient);
        assertNull(reader.readMessage());
        assertEquals(List.of("close 4001 gone ü"), callback.events());
    }

    @ParameterizedTest(name = "isClient={0}")
    @ValueSource(booleans = {false, true})
    void closeReasonOf123BytesIsTheLongestAccepted(boolean isClient) throws Exception {
        String reason = "é".repeat(61) + "a"; // 123 bytes of UTF-8
        (isClient ? clientWriter() : serverWriter()).writeClose(1001, reason);
        assertNull(peerOf(isClient).readMessage());
        assertEquals(List.of("close 1001 " + reason), callback.events());
        assertEquals(2 + (isClient ? 4 : 0) + 125, out.size());
    }

    @ParameterizedTest(name = "reason of {0} characters")
    @ValueSource(strings = {"a", "é"})
    void closeReasonOver123BytesOfUtf8IsRejected(String unit) {
        String reason = unit.repeat(124 / utf8(unit).length);
        assertEquals(124, utf8(reason).length);
        assertThrows(IllegalArgumentException.class, () -> serverWriter().writeClose(1000, reason));
        assertEquals(0, out.size());
    }
}
