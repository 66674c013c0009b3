package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.B0_FLAG_FIN;
import static io.switchboard.websocket.internal.WebSocketProtocol.B0_FLAG_RSV1;
import static io.switchboard.websocket.internal.WebSocketProtocol.B0_MASK_OPCODE;
import static io.switchboard.websocket.internal.WebSocketProtocol.B0_MASK_RSV;
import static io.switchboard.websocket.internal.WebSocketProtocol.B1_FLAG_MASK;
import static io.switchboard.websocket.internal.WebSocketProtocol.B1_MASK_LENGTH;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_BINARY;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_CLOSE;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_CONTINUATION;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PING;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PONG;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_TEXT;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_LONG;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_SHORT;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads frames from a byte stream and assembles them into messages, applying every receiving
 * rule of RFC 6455 §5 as the bytes arrive: reserved bits, opcodes, masking direction, control
 * frame limits, fragmentation order, the message size limit (checked against each frame
 * header before its payload is read) and UTF-8 validity of text (checked per chunk, so an
 * invalid byte fails the connection before the rest of the message is read).
 *
 * <p>Control frames, also those between fragments, go to the {@link Callback} as they arrive;
 * their rules are in {@link ControlFrames}. Compressed messages (RFC 7692) are inflated by
 * {@link DeflatedFrames}, which works on this reader's buffers. Knows nothing of sockets or
 * threads. Not thread-safe: one thread reads at a time.
 */
public final class FrameReader {

    /** Receives the control frames found while reading a message. */
    public interface Callback {
        /** A ping arrived; {@code payload} is its application data (0–125 bytes). */
        void onPing(byte[] payload) throws IOException;

        /** A pong arrived. */
        void onPong(byte[] payload) throws IOException;

        /**
         * A valid close frame arrived; {@code code} is 1005 if it carried none. The reader
         * returns null from {@link #readMessage()} right after this call.
         */
        void onClose(int code, String reason);
    }

    /** Payload bytes read and validated per step; bounds the work done on an invalid message. */
    static final int CHUNK = 64 * 1024;
    static final byte[] EMPTY = new byte[0];

    // The fields the compressed path (DeflatedFrames) works on are package-private: it is
    // static, so the state stays here, in the one reader object per session.
    private final InputStream in;
    private final boolean isClient;
    final long maxMessageSize;
    private final Callback callback;
    /** Where the message and inflation buffers are counted against the server-wide budget. */
    final InboundMemory.Account memory;
    /** Validates text messages; null until the first one (a session may never receive text). */
    private Utf8Validator utf8;
    private final byte[] header = new byte[8];

    /** The session's decompressor if permessage-deflate was negotiated (RSV1 marks compressed messages); else null. */
    final MessageInflater inflater;
    /** Whether the message being assembled is compressed. */
    boolean inflating;
    /** Compressed bytes read per step: as long as the frame, up to CHUNK; kept between messages only if small. */
    byte[] compressedChunk = EMPTY;

    /** The data frame being read: final or not, payload bytes not read yet, its mask. */
    private boolean frameFin;
    private long frameRemaining;
    private boolean frameMasked;
    private int frameMaskKey;
    /** 0-3; a byte, as is messageOpcode: with them the reader is 96 bytes, not 104, per session. */
    private byte frameKeyIndex;

    /** Whether a message is being streamed (startStreamed() until readStreamed() returned -1). */
    private boolean streaming;
    /** Payload bytes of the streamed message so far. */
    private long streamedLength;
    /** The largest streamed message accepted. */
    private long maxStreamedSize = Long.MAX_VALUE;
    /** A compressed streamed message, inflated whole; null otherwise. */
    private byte[] inflated;
    private int inflatedOffset;

    /** Opcode of the message being assembled (text or binary), or -1 between messages. */
    byte messageOpcode = -1;
    /** Payload of the message being assembled; its first {@code messageLength} bytes are valid. */
    byte[] message = EMPTY;
    int messageLength;

    /**
     * @param isClient true on the client side: frames must then arrive unmasked; on the server
     *     side they must arrive masked (§5.1)
     * @param maxMessageSize the largest message payload accepted; larger ones fail with 1009
     */
    public FrameReader(InputStream in, boolean isClient, long maxMessageSize, Callback callback) {
        this(in, isClient, maxMessageSize, false, callback);
    }

    /**
     * @param inflate whether permessage-deflate (RFC 7692) was negotiated: RSV1 on the first
     *     frame of a message then marks it compressed
     */
    public FrameReader(InputStream in, boolean isClient, long maxMessageSize, boolean inflate, Callback callback) {
        this(in, isClient, maxMessageSize, inflate ? new MessageInflater(15, false) : null,
                InboundMemory.UNLIMITED.account(), callback);
    }

    /**
     * @param inflater the session's decompressor if permessage-deflate (RFC 7692) was
     *     negotiated, else null: RSV1 on the first frame of a message then marks it compressed
     * @param memory the account that every buffer of message assembly and inflation is charged
     *     to before it is allocated; a charge over the budget fails the read with 1013
     */
    public FrameReader(InputStream in, boolean isClient, long maxMessageSize, MessageInflater inflater,
            InboundMemory.Account memory, Callback callback) {
        this.memory = memory;
        this.inflater = inflater;
        this.in = in;
        this.isClient = isClient;
        this.maxMessageSize = Math.min(maxMessageSize, Integer.MAX_VALUE - 8);
        this.callback = callback;
    }

    /** The text validator, created with the first text message. */
    Utf8Validator utf8() {
        if (utf8 == null) {
            utf8 = new Utf8Validator();
        }
        return utf8;
    }

    /** Whether no UTF-8 sequence is left open (none is before the first text message). */
    private boolean utf8Complete() {
        return utf8 == null || utf8.isComplete();
    }

    /**
     * Reads frames until one complete data message or a close frame.
     *
     * @return the message, or null after a close frame was passed to {@link Callback#onClose}
     * @throws ProtocolException if the peer broke a rule; carries the close status to send
     * @throws EOFException if the stream ended before the message or close frame did
     * @throws IOException if reading failed
     */
    public Message readMessage() throws IOException {
        skipStreamed();
        while (nextDataFrame()) {
            Message m = data(frameFin, frameRemaining, frameMasked, frameMaskKey);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /**
     * Starts reading the next message as a stream (any streamed message left unfinished is
     * skipped first): its payload then comes from {@link #readStreamed}, frame by frame as it
     * arrives, with no buffer of the message's size. A compressed message is inflated whole
     * first (bounded by the buffered size limit), then streamed from memory.
     *
     * @return {@link WebSocketProtocol#OPCODE_TEXT} or {@link WebSocketProtocol#OPCODE_BINARY},
     *     or -1 after a close frame was passed to {@link Callback#onClose}
     */
    public int startStreamed() throws IOException {
        skipStreamed();
        if (!nextDataFrame()) {
            return -1;
        }
        int opcode = messageOpcode;
        if (inflating) {
            Message m;
            while ((m = data(frameFin, frameRemaining, frameMasked, frameMaskKey)) == null) {
                if (!nextDataFrame()) {
                    throw new EOFException("close frame inside a message");
                }
            }
            inflated = m instanceof Message.Text t ? t.text().getBytes(StandardCharsets.UTF_8) : ((Message.Binary) m).bytes();
            inflatedOffset = 0;
        }
        streaming = true;
        streamedLength = 0;
        return opcode;
    }

    /**
     * Reads up to {@code length} payload bytes of the message started by {@link #startStreamed},
     * across its frames (control frames between them go to the {@link Callback}); UTF-8 of text
     * is checked as the bytes pass. Blocks until at least one byte has arrived.
     *
     * @return the bytes read, or -1 at the end of the message
     * @throws ProtocolException if the peer broke a rule (1009 beyond the streamed size limit)
     * @throws EOFException if the stream or a close frame ended the message early
     */
    public int readStreamed(byte[] b, int offset, int length) throws IOException {
        if (!streaming) {
            return -1;
        }
        if (inflated != null) {
            int n = Math.min(length, inflated.length - inflatedOffset);
            if (n <= 0) {
                inflated = null;
                streaming = false;
                return -1;
            }
            System.arraycopy(inflated, inflatedOffset, b, offset, n);
            inflatedOffset += n;
            return n;
        }
        while (frameRemaining == 0) {
            if (frameFin) {
                streaming = false;
                messageOpcode = -1;
                if (!utf8Complete()) {
                    throw ProtocolException.invalidPayload("text message ends inside a UTF-8 sequence");
                }
                return -1;
            }
            if (!nextDataFrame()) {
                streaming = false;
                throw new EOFException("close frame inside a message");
            }
        }
        if (streamedLength + frameRemaining > maxStreamedSize) {
            throw new ProtocolException(CloseStatus.MESSAGE_TOO_BIG, "streamed message of at least "
                    + (streamedLength + frameRemaining) + " bytes exceeds the limit of " + maxStreamedSize);
        }
        int n = in.read(b, offset, (int) Math.min(length, frameRemaining));
        if (n < 0) {
            throw new EOFException("stream ended " + frameRemaining + " bytes before the end of a frame");
        }
        if (frameMasked) {
            frameKeyIndex = (byte) WebSocketProtocol.toggleMask(b, offset, n, frameMaskKey, frameKeyIndex);
        }
        if (messageOpcode == OPCODE_TEXT && utf8().feed(b, offset, n) != -1) {
            throw ProtocolException.invalidPayload("text message is not valid UTF-8");
        }
        frameRemaining -= n;
        streamedLength += n;
        return n;
    }

    /** Whether a streamed message has been started and not read to its end. */
    public boolean isStreaming() {
        return streaming;
    }

    /** Reads and discards the rest of a streamed message left unfinished. */
    private void skipStreamed() throws IOException {
        if (streaming) {
            byte[] sink = new byte[CHUNK];
            while (readStreamed(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }

    /**
     * Reads frames, handing control frames to the callback, until a data frame: its header is
     * then in the frame fields, and a first frame has started a new message.
     *
     * @return false after a close frame
     */
    private boolean nextDataFrame() throws IOException {
        while (true) {
            readFully(header, 0, 2);
            int b0 = header[0] & 0xFF;
            int b1 = header[1] & 0xFF;
            boolean fin = (b0 & B0_FLAG_FIN) != 0;
            int opcode = b0 & B0_MASK_OPCODE;
            int rsv = b0 & B0_MASK_RSV;
            boolean compressed = false;
            if (rsv != 0) {
                if (inflater == null) {
                    throw ProtocolException.protocolError("reserved bits set (0x"
                            + Integer.toHexString(rsv) + ") but no extension was negotiated");
                }
                if (rsv != B0_FLAG_RSV1 || (opcode != OPCODE_TEXT && opcode != OPCODE_BINARY)) {
                    throw ProtocolException.protocolError("reserved bits 0x" + Integer.toHexString(rsv) + " on a "
                            + WebSocketProtocol.opcodeName(opcode) + " frame; permessage-deflate allows only RSV1 "
                            + "on the first frame of a message");
                }
                compressed = true;
            }
            boolean masked = (b1 & B1_FLAG_MASK) != 0;
            if (masked == isClient) {
                throw ProtocolException.protocolError(isClient
                        ? "server frames must not be masked"
                        : "client frames must be masked");
            }
            long length = readLength(b1 & B1_MASK_LENGTH);
            int maskKey = 0;
            if (masked) {
                readFully(header, 0, 4);
                maskKey = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16)
                        | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            }
            switch (opcode) {
                case OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG -> {
                    ControlFrames.checkHeader(opcode, fin, length);
                    byte[] payload = new byte[(int) length];
                    readFully(payload, 0, payload.length);
                    if (masked) {
                        WebSocketProtocol.toggleMask(payload, 0, payload.length, maskKey, 0);
                    }
                    if (ControlFrames.deliver(opcode, payload, callback)) {
                        return false;
                    }
                    continue;
                }
                case OPCODE_TEXT, OPCODE_BINARY -> {
                    if (messageOpcode != -1) {
                        throw ProtocolException.protocolError("new " + WebSocketProtocol.opcodeName(opcode)
                                + " frame inside a fragmented message; expected a continuation frame");
                    }
                    messageOpcode = (byte) opcode; // 1 or 2
                    messageLength = 0;
                    if (utf8 != null) {
                        utf8.reset();
                    }
                    if (compressed) {
                        long kept = inflater.retainedBytes();
                        inflater.begin();
                        memory.charge(inflater.retainedBytes() - kept); // a context's window, once per session
                        inflating = true;
                    }
                }
                case OPCODE_CONTINUATION -> {
                    if (messageOpcode == -1) {
                        throw ProtocolException.protocolError("continuation frame without a message to continue");
                    }
                }
                default -> throw ProtocolException.protocolError("unknown "
                        + WebSocketProtocol.opcodeName(opcode));
            }
            frameFin = fin;
            frameRemaining = length;
            frameMasked = masked;
            frameMaskKey = maskKey;
            frameKeyIndex = 0;
            return true;
        }
    }

    private long readLength(int length7) throws IOException {
        if (length7 == PAYLOAD_SHORT) {
            readFully(header, 0, 2);
            return ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
        }
        if (length7 == PAYLOAD_LONG) {
            readFully(header, 0, 8);
            long length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                throw ProtocolException.protocolError("64-bit payload length has its most significant bit set");
            }
            return length;
        }
        return length7;
    }

    /** Appends one data frame's payload; returns the message if the frame was final. */
    private Message data(boolean fin, long length, boolean masked, int maskKey) throws IOException {
        if (inflating) {
            return DeflatedFrames.read(this, fin, length, masked, maskKey);
        }
        if (messageLength + length > maxMessageSize) {
            throw new ProtocolException(CloseStatus.MESSAGE_TOO_BIG, "message of at least "
                    + (messageLength + length) + " bytes exceeds the limit of " + maxMessageSize);
        }
        int remaining = (int) length;
        int keyIndex = 0;
        boolean text = messageOpcode == OPCODE_TEXT;
        while (remaining > 0) {
            ensureCapacity(messageLength + Math.min(remaining, CHUNK), fin ? messageLength + remaining : -1);
            // Whatever has arrived, not a whole chunk: a bad UTF-8 byte fails the connection as
            // soon as the piece holding it is here, before the rest of the frame is sent.
            int step = in.read(message, messageLength, Math.min(remaining, CHUNK));
            if (step < 0) {
                throw new EOFException("stream ended " + remaining + " bytes before the end of a frame");
            }
            if (masked) {
                keyIndex = WebSocketProtocol.toggleMask(message, messageLength, step, maskKey, keyIndex);
            }
            if (text && utf8().feed(message, messageLength, step) != -1) {
                throw ProtocolException.invalidPayload("text message is not valid UTF-8");
            }
            messageLength += step;
            remaining -= step;
        }
        return fin ? complete() : null;
    }

    /** Builds the message assembled so far and resets for the next one. */
    Message complete() {
        boolean text = messageOpcode == OPCODE_TEXT;
        if (text && !utf8Complete()) {
            throw ProtocolException.invalidPayload("text message ends inside a UTF-8 sequence");
        }
        Message result;
        if (text) {
            result = new Message.Text(new String(message, 0, messageLength, StandardCharsets.UTF_8));
        } else if (message.length == messageLength) {
            result = new Message.Binary(message); // hand the exact-size buffer over: no copy
            resize(0);
        } else {
            result = new Message.Binary(Arrays.copyOf(message, messageLength));
        }
        if (message.length > CHUNK) {
            resize(0); // don't keep a large buffer alive on an idle connection
        }
        messageOpcode = -1;
        messageLength = 0;
        return result;
    }

    /**
     * Grows the message buffer to hold at least {@code needed} bytes. Growth is geometric, so
     * many small fragments cost amortised linear copying, and only ever one chunk ahead of the
     * bytes actually received, so a peer that announces a huge frame and stalls holds little
     * memory. In the final frame the buffer never grows past {@code messageEnd}, the known
     * end of the message, so single-frame messages end in an exact-size array.
     *
     * @param messageEnd the message's total length if this is its final frame, else -1
     */
    private void ensureCapacity(int needed, int messageEnd) {
        if (message.length >= needed) {
            return;
        }
        int grown = Math.max(needed, (int) Math.min(message.length * 2L, maxMessageSize));
        if (messageEnd >= 0) {
            grown = Math.min(grown, messageEnd);
        }
        resize(grown);
    }

    /**
     * Replaces the message buffer with one of {@code length} bytes holding its first bytes (an
     * empty one for 0), charging the difference to the memory account first: over the budget,
     * nothing is allocated and the read fails with 1013.
     */
    void resize(int length) {
        memory.charge((long) length - message.length);
        message = length == 0 ? EMPTY : Arrays.copyOf(message, length);
    }

    /** Sets the largest streamed message accepted (larger: 1009); unlimited unless set. */
    public void maxStreamedSize(long bytes) {
        this.maxStreamedSize = bytes;
    }

    /**
     * Lets go of the message buffer between messages: a text message's buffer stays for the
     * next one (up to {@link #CHUNK}), which a session going idle need not keep. Called by the
     * reading thread; does nothing inside a message.
     */
    public void trim() {
        if (messageOpcode == -1 && !streaming && message.length > 0) {
            resize(0);
        }
    }

    /** Gives back everything charged to the memory account (any thread, once the session ends). */
    public void release() {
        memory.close();
    }

    void readFully(byte[] buffer, int offset, int length) throws IOException {
        int n = in.readNBytes(buffer, offset, length);
        if (n < length) {
            throw new EOFException("stream ended " + (length - n) + " bytes before the end of a frame");
        }
    }
}
