package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames held back for coalescing: they leave in one write, in order, with the next frame
 * written without holding or on flush, and a frame too large for the buffer goes after them.
 */
class FrameHoldingTest {

    /** Records the bytes and counts the write calls. */
    private static final class CountingOutput extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes the frames make when each is written on its own. */
    private static byte[] oneByOne(boolean client, byte[]... payloads) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(expected, client ? new Random(1) : null);
        for (byte[] p : payloads) {
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, p, 0, p.length);
        }
        return expected.toByteArray();
    }

    @Test
    void heldFramesLeaveTogetherOnFlush() throws IOException {
        CountingOutput out = new CountingOutput();
        FrameWriter writer = new FrameWriter(out, null);
        byte[][] payloads = {utf8("one"), utf8("two"), utf8("three")};
        for (byte[] p : payloads) {
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, p, 0, p.length, true);
        }
        assertEquals(0, out.writes, "nothing written while held");
        assertEquals(oneByOne(false, payloads).length, writer.held());
        writer.flush();
        assertEquals(1, out.writes);
        assertEquals(0, writer.held());
        assertArrayEquals(oneByOne(false, payloads), out.bytes.toByteArray());
        writer.flush();
        assertEquals(1, out.writes, "flushing nothing writes nothing");
    }

    @Test
    void aFrameNotHeldTakesTheHeldOnesAlongInOneWrite() throws IOException {
        for (boolean client : new boolean[] {false, true}) {
            CountingOutput out = new CountingOutput();
            FrameWriter writer = new FrameWriter(out, client ? new Random(1) : null);
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, utf8("a"), 0, 1, true);
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, utf8("b"), 0, 1, true);
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, utf8("c"), 0, 1, false);
            assertEquals(1, out.writes);
            assertArrayEquals(oneByOne(client, utf8("a"), utf8("b"), utf8("c")), out.bytes.toByteArray());
        }
    }

    @Test
    void framesThatDoNotFitGoAfterTheHeldOnes() throws IOException {
        for (boolean client : new boolean[] {false, true}) {
            CountingOutput out = new CountingOutput();
            FrameWriter writer = new FrameWriter(out, client ? new Random(1) : null);
            byte[] small = utf8("small");
            byte[] large = new byte[FrameWriter.SCRATCH_SIZE * 2 + 3];
            new Random(2).nextBytes(large);
            byte[] nearlyFull = new byte[FrameWriter.SCRATCH_SIZE - 20];
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, small, 0, small.length, true);
            writer.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, false, large, 0, large.length, true);
            writer.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, false, nearlyFull, 0, nearlyFull.length, true);
            writer.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, false, small, 0, small.length, true);
            writer.flush();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            FrameWriter plain = new FrameWriter(expected, client ? new Random(1) : null);
            plain.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, small, 0, small.length);
            plain.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, large, 0, large.length);
            plain.writeFrame(WebSocketProtocol.OPCODE_BINARY, true, nearlyFull, 0, nearlyFull.length);
            plain.writeFrame(WebSocketProtocol.OPCODE_TEXT, true, small, 0, small.length);
            assertArrayEquals(expected.toByteArray(), out.bytes.toByteArray(), client ? "client" : "server");
            assertEquals(0, writer.held());
        }
    }
}
