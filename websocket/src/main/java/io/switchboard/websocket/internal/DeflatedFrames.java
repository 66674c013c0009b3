package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_TEXT;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import java.io.IOException;

/**
 * The compressed data path of the {@link FrameReader} (RFC 7692 §7.2.2): reads a compressed
 * frame's payload chunk by chunk, inflates it into the reader's message buffer, and checks the
 * size limit and UTF-8 on the inflated bytes as they appear, so a compression bomb costs at most
 * the limit.
 *
 * <p>Static only: the state it works on (the compressed chunk, the message buffer, the memory
 * account, the session's {@link MessageInflater}) stays in the reader, one object per session,
 * so the split adds nothing to what an idle session holds. Not thread-safe: called by the
 * reader's one reading thread.
 */
final class DeflatedFrames {

    /** Buffers of compressed messages start this small and are kept between messages up to this size. */
    static final int SMALL_CHUNK = 512;

    private DeflatedFrames() {
    }

    /**
     * Inflates one frame of the compressed message {@code r} is assembling.
     *
     * @return the message if the frame was final, else null
     */
    static Message read(FrameReader r, boolean fin, long length, boolean masked, int maskKey) throws IOException {
        long maxMessageSize = r.maxMessageSize;
        // Deflate grows incompressible data by about 5 bytes per stored block (zlib's deflateBound
        // allows 1/32 more); the inflated size is what the limit is checked against below.
        if (length > maxMessageSize + (maxMessageSize >> 5) + 1024) {
            throw new ProtocolException(CloseStatus.MESSAGE_TOO_BIG, "compressed frame of " + length
                    + " bytes exceeds the limit of " + maxMessageSize);
        }
        int needed = (int) Math.min(length, FrameReader.CHUNK);
        if (r.compressedChunk.length < needed) {
            r.memory.charge(needed - r.compressedChunk.length);
            r.compressedChunk = new byte[needed];
        }
        byte[] chunk = r.compressedChunk;
        long remaining = length;
        int keyIndex = 0;
        while (remaining > 0) {
            int step = (int) Math.min(remaining, FrameReader.CHUNK);
            r.readFully(chunk, 0, step);
            if (masked) {
                keyIndex = WebSocketProtocol.toggleMask(chunk, 0, step, maskKey, keyIndex);
            }
            inflateInto(r, chunk, 0, step);
            remaining -= step;
        }
        if (!fin) {
            return null;
        }
        inflateInto(r, PerMessageDeflate.TAIL, 0, PerMessageDeflate.TAIL.length);
        r.inflater.endMessage();
        r.inflating = false;
        if (r.compressedChunk.length > SMALL_CHUNK) {
            r.memory.charge(-r.compressedChunk.length); // an idle session keeps no large read buffer
            r.compressedChunk = FrameReader.EMPTY;
        }
        return r.complete();
    }

    /** Inflates {@code length} compressed bytes onto the end of the reader's message buffer, growing it as needed. */
    private static void inflateInto(FrameReader r, byte[] input, int offset, int length) {
        MessageInflater inflater = r.inflater;
        long maxMessageSize = r.maxMessageSize;
        inflater.setInput(input, offset, length);
        boolean text = r.messageOpcode == OPCODE_TEXT;
        try {
            while (true) {
                if (r.messageLength == r.message.length) {
                    r.resize((int) Math.min(Math.max(r.message.length * 2L, SMALL_CHUNK), maxMessageSize + 1));
                }
                int n = inflater.inflate(r.message, r.messageLength, r.message.length - r.messageLength);
                if (n == 0) {
                    return; // the input is used up
                }
                if (r.messageLength + n > maxMessageSize) {
                    throw new ProtocolException(CloseStatus.MESSAGE_TOO_BIG, "compressed message inflates to more than "
                            + maxMessageSize + " bytes");
                }
                if (text && r.utf8().feed(r.message, r.messageLength, n) != -1) {
                    throw ProtocolException.invalidPayload("text message is not valid UTF-8");
                }
                r.messageLength += n;
            }
        } catch (java.util.zip.DataFormatException e) {
            throw ProtocolException.invalidPayload("compressed message is not valid deflate data: " + e.getMessage());
        }
    }
}
