package io.switchboard.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A complete WebSocket data message, as returned by {@link WebSocket#read()}: either
 * {@link Text} or {@link Binary} (RFC 6455 §5.6). Fragmented messages are delivered
 * reassembled, so a {@code Message} always holds the whole payload.
 *
 * <pre>{@code
 * switch (ws.read()) {
 *     case Message.Text t -> ws.send(t.text());
 *     case Message.Binary b -> ws.send(b.bytes());
 *     case null -> { } // connection ended
 * }
 * }</pre>
 */
public sealed interface Message permits Message.Text, Message.Binary {

    /** Returns a text message holding {@code text}. */
    static Message text(String text) {
        return new Text(text);
    }

    /** Returns a binary message holding a copy of {@code bytes}. */
    static Message binary(byte[] bytes) {
        return new Binary(bytes.clone());
    }

    /** The payload length in bytes as sent on the wire (UTF-8 for text). */
    int length();

    /**
     * A text message (opcode 0x1). Its payload was validated as UTF-8 on arrival.
     *
     * @param text the message text, never null
     */
    record Text(String text) implements Message {
        /** Checks that {@code text} is not null. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public int length() {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public String toString() {
            return text.length() <= 64 ? "Text[" + text + "]" : "Text[" + text.substring(0, 64) + "…]";
        }
    }

    /**
     * A binary message (opcode 0x2). The array is owned by the message: the engine hands over a
     * fresh array per message and never touches it again, so callers may keep or modify it.
     *
     * @param bytes the payload, never null
     */
    record Binary(byte[] bytes) implements Message {
        /** Wraps {@code bytes} without copying; the message owns the array from now on. */
        public Binary {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** Returns the payload as a read-only buffer over the same bytes. */
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            HexFormat hex = HexFormat.of();
            return bytes.length <= 32
                    ? "Binary[" + hex.formatHex(bytes) + "]"
                    : "Binary[" + bytes.length + " bytes: " + hex.formatHex(bytes, 0, 32) + "…]";
        }
    }
}
