package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.B0_FLAG_FIN;
import static io.switchboard.websocket.internal.WebSocketProtocol.B1_FLAG_MASK;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_CLOSE;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_CONTROL_MAX;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_LONG;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_SHORT;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_SHORT_MAX;

import io.switchboard.api.spi.GatheringOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes frames (RFC 6455 §5.2) to a byte stream. On the client side every frame is masked
 * with a fresh key from the given random source (§5.3); on the server side frames go
 * unmasked. Small frames leave in one write; large server frames in one gathering write
 * (header, payload) where the stream is a {@link GatheringOutput}, else in two, without copying
 * the payload; client payloads are masked through a bounded scratch buffer,
 * never in the caller's array.
 *
 * <p>Not thread-safe: the session serialises calls under its write lock.
 */
public final class FrameWriter {

    /** Frames up to this size are assembled in the scratch buffer and written at once. */
    static final int SCRATCH_SIZE = 8 * 1024;
    private static final int HEADER_MAX = 14;
    private static final byte[] EMPTY = new byte[0];

    private final OutputStream out;
    private final Random random;
    /**
     * Frames are encoded here; empty until the first send, so connections that never send hold
     * no write buffer, then as large as the frames sent needed, up to SCRATCH_SIZE.
     */
    private byte[] scratch = EMPTY;
    /** Bytes at the start of scratch that hold frames not written yet; volatile for {@link HeldFrames}. */
    private volatile int held;

    /**
     * @param random the source of masking keys on the client side (should be a {@link
     *     java.security.SecureRandom}); null on the server side, which does not mask
     */
    public FrameWriter(OutputStream out, Random random) {
        this.out = out;
        this.random = random;
    }

    /** Writes one frame carrying {@code length} bytes of {@code payload} from {@code offset}. */
    public void writeFrame(int opcode, boolean fin, byte[] payload, int offset, int length) throws IOException {
        writeFrame(opcode, fin, false, payload, offset, length);
    }

    /**
     * Writes one frame; {@code rsv1} marks the first frame of a compressed message (RFC 7692).
     */
    public void writeFrame(int opcode, boolean fin, boolean rsv1, byte[] payload, int offset, int length)
            throws IOException {
        writeFrame(opcode, fin, rsv1, payload, offset, length, false);
    }

    /**
     * Writes one frame, or with {@code hold} keeps it in the buffer, behind any frames held
     * before, when it fits: held frames leave with the next frame written without {@code hold},
     * or by {@link #flush()}. Frames that do not fit the buffer are written at once, held ones
     * first.
     */
    public void writeFrame(int opcode, boolean fin, boolean rsv1, byte[] payload, int offset, int length,
            boolean hold) throws IOException {
        boolean masked = random != null;
        long needed = (long) held + HEADER_MAX + length;
        if (needed > SCRATCH_SIZE && held > 0) {
            flush();
            needed = HEADER_MAX + (long) length;
        }
        if (needed > scratch.length) {
            // Grown with what is sent, so a session of small messages holds a small buffer;
            // large frames need at most SCRATCH_SIZE (headers, and masked chunks on the client).
            int size = (int) Math.min(SCRATCH_SIZE, Math.max(needed, 2L * scratch.length));
            if (size > scratch.length) {
                scratch = Arrays.copyOf(scratch, size);
            }
        }
        int h = held;
        scratch[h++] = (byte) ((fin ? B0_FLAG_FIN : 0) | (rsv1 ? WebSocketProtocol.B0_FLAG_RSV1 : 0) | opcode);
        int maskBit = masked ? B1_FLAG_MASK : 0;
        if (length <= PAYLOAD_CONTROL_MAX) {
            scratch[h++] = (byte) (maskBit | length);
        } else if (length <= PAYLOAD_SHORT_MAX) {
            scratch[h++] = (byte) (maskBit | PAYLOAD_SHORT);
            scratch[h++] = (byte) (length >>> 8);
            scratch[h++] = (byte) length;
        } else {
            scratch[h++] = (byte) (maskBit | PAYLOAD_LONG);
            long l = length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                scratch[h++] = (byte) (l >>> shift);
            }
        }
        int key = 0;
        if (masked) {
            key = random.nextInt();
            scratch[h++] = (byte) (key >>> 24);
            scratch[h++] = (byte) (key >>> 16);
            scratch[h++] = (byte) (key >>> 8);
            scratch[h++] = (byte) key;
        }
        if (h + length <= scratch.length) {
            System.arraycopy(payload, offset, scratch, h, length);
            if (masked) {
                WebSocketProtocol.toggleMask(scratch, h, length, key, 0);
            }
            held = h + length;
            if (!hold) {
                flush();
            }
            return;
        }
        held = 0;
        if (!masked && out instanceof GatheringOutput gathering) {
            gathering.write(scratch, 0, h, payload, offset, length);
        } else if (!masked) {
            out.write(scratch, 0, h);
            out.write(payload, offset, length);
        } else {
            int keyIndex = 0;
            int done = 0;
            int start = h; // the first chunk shares the scratch buffer with the header
            while (done < length) {
                int step = Math.min(length - done, scratch.length - start);
                System.arraycopy(payload, offset + done, scratch, start, step);
                keyIndex = WebSocketProtocol.toggleMask(scratch, start, step, key, keyIndex);
                out.write(scratch, 0, start + step);
                done += step;
                start = 0;
            }
        }
        out.flush();
    }

    /** Bytes of frames held, not written yet. */
    public int held() {
        return held;
    }

    /** Lets go of the write buffer if no frame is held (a session going idle keeps none). */
    public void trim() {
        if (held == 0) {
            scratch = EMPTY;
        }
    }

    /** Writes the frames held, if any. */
    public void flush() throws IOException {
        if (held > 0) {
            int n = held;
            held = 0;
            out.write(scratch, 0, n);
            out.flush();
        }
    }

    /** Writes frames encoded elsewhere (a message encoded once for many sessions), after the held ones. */
    public void writeEncoded(byte[] encoded) throws IOException {
        flush();
        out.write(encoded);
        out.flush();
    }

    /** Writes a close frame (§5.5.1); code -1 writes an empty payload. */
    public void writeClose(int code, String reason) throws IOException {
        if (code < 0) {
            writeFrame(OPCODE_CLOSE, true, new byte[0], 0, 0);
            return;
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > WebSocketProtocol.CLOSE_REASON_MAX) {
            throw new IllegalArgumentException("close reason is " + text.length
                    + " bytes of UTF-8, the limit is " + WebSocketProtocol.CLOSE_REASON_MAX);
        }
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        writeFrame(OPCODE_CLOSE, true, payload, 0, payload.length);
    }
}
