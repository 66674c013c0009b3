package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** Data messages (RFC 6455 §5.6). */
class MessageTest {

    @Test
    void binaryMessagesAreEqualByContent() {
        Message.Binary a = new Message.Binary(new byte[] {1, 2, 3});
        Message.Binary b = new Message.Binary(new byte[] {1, 2, 3});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Message.Binary(new byte[] {1, 2, 4}));
        assertNotEquals(a, new Message.Binary(new byte[] {1, 2}));
        assertEquals(new Message.Binary(new byte[0]), new Message.Binary(new byte[0]));
    }

    @Test
    void binaryAndTextAreNeverEqual() {
        assertNotEquals(Message.binary("a".getBytes()), Message.text("a"));
        assertNotEquals(Message.text("a"), Message.binary("a".getBytes()));
    }

    @Test
    void binaryFactoryCopiesTheArray() {
        byte[] bytes = {1, 2, 3};
        Message.Binary m = (Message.Binary) Message.binary(bytes);
        bytes[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.bytes());
        assertNotSame(bytes, m.bytes());
    }

    @Test
    void binaryBufferIsReadOnlyOverTheSameBytes() {
        Message.Binary m = new Message.Binary(new byte[] {1, 2, 3});
        ByteBuffer buffer = m.buffer();
        assertTrue(buffer.isReadOnly());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), buffer);
        assertThrows(ReadOnlyBufferException.class, () -> buffer.put(0, (byte) 0));
    }

    @Test
    void lengthIsThePayloadSizeOnTheWire() {
        assertEquals(3, Message.binary(new byte[3]).length());
        assertEquals(6, Message.text("a€ü").length());
        assertEquals(4, Message.text("\uD83D\uDE00").length());
    }

    @Test
    void nullPayloadsAreRejected() {
        assertThrows(NullPointerException.class, () -> new Message.Text(null));
        assertThrows(NullPointerException.class, () -> new Message.Binary(null));
    }
}
