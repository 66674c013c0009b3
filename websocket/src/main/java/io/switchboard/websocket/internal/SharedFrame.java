package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_BINARY;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_TEXT;

import io.switchboard.api.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One published message, encoded once for every server session it goes to: a whole unmasked
 * frame (RFC 6455 §5.2), and, the first time a permessage-deflate session asks, a compressed
 * frame with RSV1 set (RFC 7692 §7.2.1, no context takeover: the compressed bytes do not depend
 * on the session). Client sessions mask every frame with a key of their own and encode the
 * {@link #payload()} themselves.
 *
 * <p>Thread-safe: the encodings are made once, under a lock, by the first thread that needs one.
 */
public final class SharedFrame {

    private final Message message;
    private final int opcode;
    private final byte[] payload;
    private final ReentrantLock encoding = new ReentrantLock();
    /** The uncompressed frame; null until first needed. */
    private volatile byte[] plain;
    /** The compressed frame; null until first needed. */
    private volatile byte[] deflated;

    private SharedFrame(Message message, int opcode, byte[] payload) {
        this.message = message;
        this.opcode = opcode;
        this.payload = payload;
    }

    /** The frame for {@code message}; its payload is taken as is (the message owns it, see {@link Message.Binary}). */
    public static SharedFrame of(Message message) {
        return switch (message) {
            case Message.Text t -> new SharedFrame(message, OPCODE_TEXT, t.text().getBytes(StandardCharsets.UTF_8));
            case Message.Binary b -> new SharedFrame(message, OPCODE_BINARY, b.bytes());
        };
    }

    /** The message this frame carries. */
    public Message message() {
        return message;
    }

    int opcode() {
        return opcode;
    }

    /** The uncompressed payload; never modified. */
    byte[] payload() {
        return payload;
    }

    /** The payload length: what the frame counts in an outbound budget. */
    public int length() {
        return payload.length;
    }

    /**
     * The whole server frame for a session that compresses ({@code deflate}) or not. Messages
     * shorter than {@link PerMessageDeflate#MIN_COMPRESSED_LENGTH} go uncompressed either way,
     * as a session's own sends do.
     */
    byte[] encoded(boolean deflate) {
        boolean compress = deflate && payload.length >= PerMessageDeflate.MIN_COMPRESSED_LENGTH;
        byte[] frame = compress ? deflated : plain;
        if (frame != null) {
            return frame;
        }
        encoding.lock();
        try {
            if (compress) {
                if (deflated == null) {
                    deflated = encode(true, PerMessageDeflate.deflate(payload, 0, payload.length));
                }
                return deflated;
            }
            if (plain == null) {
                plain = encode(false, payload);
            }
            return plain;
        } finally {
            encoding.unlock();
        }
    }

    private byte[] encode(boolean rsv1, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 10);
        try {
            new FrameWriter(out, null).writeFrame(opcode, true, rsv1, body, 0, body.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }
}
