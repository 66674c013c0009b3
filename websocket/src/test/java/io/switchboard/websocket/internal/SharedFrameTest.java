package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class SharedFrameTest {

    private static Message decode(byte[] frame, boolean inflate) throws Exception {
        return new FrameReader(new ByteArrayInputStream(frame), true, 1 << 20, inflate, new RecordingCallback()).readMessage();
    }

    @Test
    void thePlainFrameIsWhatTheWriterWritesAndIsEncodedOnce() throws Exception {
        SharedFrame frame = SharedFrame.of(Message.text("hello"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        new FrameWriter(expected, null).writeFrame(WebSocketProtocol.OPCODE_TEXT, true, "hello".getBytes(), 0, 5);
        assertArrayEquals(expected.toByteArray(), frame.encoded(false));
        assertSame(frame.encoded(false), frame.encoded(false));
        assertEquals(5, frame.length());
    }

    @Test
    void theCompressedFrameIsMadeOnceAndInflatesToTheMessage() throws Exception {
        String text = "{\"user\":\"ada\",\"text\":\"hello\"}".repeat(50);
        SharedFrame frame = SharedFrame.of(Message.text(text));
        byte[] compressed = frame.encoded(true);
        assertSame(compressed, frame.encoded(true));
        assertTrue((compressed[0] & WebSocketProtocol.B0_FLAG_RSV1) != 0, "RSV1 marks a compressed message");
        assertTrue(compressed.length < text.length() / 2);
        assertEquals(Message.text(text), decode(compressed, true));
    }

    @Test
    void shortMessagesGoUncompressedToDeflateSessions() throws Exception {
        SharedFrame frame = SharedFrame.of(Message.binary(new byte[] {1, 2, 3}));
        assertSame(frame.encoded(false), frame.encoded(true));
        assertEquals(Message.binary(new byte[] {1, 2, 3}), decode(frame.encoded(true), true));
    }
}
