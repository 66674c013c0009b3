package io.switchboard.websocket.internal;

import com.jcraft.jzlib.Deflater;
import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.JZlib;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The compressor of one session's outgoing messages (RFC 7692 §7.2.1).
 *
 * <p>With context takeover the session owns one JZlib stream, created with the first
 * compressed message and kept until {@link #release()}: later messages refer back to earlier
 * ones, which is what makes small chatty messages shrink. Its window and memory level come from
 * the agreement, so it holds {@link #stateBytes} bytes. Without context takeover each message is
 * compressed on its own ({@link PerMessageDeflate#deflate}), and the session holds nothing.
 *
 * <p>zlib's deflate has no 256-byte window (RFC 7692 §7.1.2.1 allows 8 bits): 8 is compressed
 * with a 9-bit window, whose matches reach back at most 512 - 262 = 250 bytes (zlib's MAX_DIST),
 * so every distance fits the peer's 256-byte window, as Node's and Netty's zlib do too.
 *
 * <p>Thread-safe: compress runs under the session's write lock, release from any thread; a
 * small lock makes release wait for a compression in progress (CPU-bound, never blocked on I/O).
 */
public final class MessageDeflater {

    /**
     * Compression level of a stream kept with context: zlib's default, as Node's ws and Netty use.
     * On chatty JSON it shrinks 5.8:1 instead of 5.1:1 at level 1 (bin/deflate-ratio), and for
     * small messages it costs about as much time as level 1: per-call work dominates there.
     */
    static final int LEVEL = 6;
    /** With context takeover, messages this short are still worth compressing (they refer back). */
    static final int MIN_TAKEOVER_LENGTH = 16;

    private final int windowBits;
    private final int memoryLevel;
    private final boolean contextTakeover;
    private final ReentrantLock lock = new ReentrantLock();
    /** The session's stream with context takeover; null before the first message and after release. */
    private Deflater stream;
    /** Set by release(): compress then works without context and keeps nothing. */
    private boolean released;

    /**
     * @param windowBits 8–15, the largest window the peer agreed to
     * @param memoryLevel 1–9, zlib's memLevel
     * @param contextTakeover whether the peer keeps our context between messages
     */
    public MessageDeflater(int windowBits, int memoryLevel, boolean contextTakeover) {
        this.windowBits = windowBits;
        this.memoryLevel = memoryLevel;
        this.contextTakeover = contextTakeover;
    }

    /** Whether a data message of {@code length} bytes is sent compressed (§6.1 lets us choose). */
    public boolean compresses(int length) {
        return length >= (contextTakeover ? MIN_TAKEOVER_LENGTH : PerMessageDeflate.MIN_COMPRESSED_LENGTH);
    }

    /**
     * Whether a message of {@code length} bytes compressed once without context
     * ({@link PerMessageDeflate#deflate(byte[], int, int)}, a 32 KiB window) may be sent as it is
     * (a topic's shared frame): only without context takeover (with it, the peer's window would
     * take in bytes our stream never saw, and the next message would refer to the wrong ones),
     * and only if the message fits the agreed window.
     */
    public boolean takesSharedFrame(int length) {
        return !contextTakeover && (windowBits >= 15 || length <= 1 << windowBits);
    }

    /** Compresses one whole message: raw deflate ending in a sync flush, without the final {@link PerMessageDeflate#TAIL}. */
    public byte[] compress(byte[] data, int offset, int length) {
        if (!contextTakeover) {
            return PerMessageDeflate.deflate(data, offset, length, windowBits, memoryLevel);
        }
        lock.lock();
        try {
            if (released) {
                return PerMessageDeflate.deflate(data, offset, length, windowBits, memoryLevel); // valid for any peer context
            }
            if (stream == null) {
                stream = newStream(windowBits, memoryLevel);
            }
            return deflate(stream, data, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /** Drops the session's stream, if any; later messages are compressed without context. Idempotent. */
    public void release() {
        lock.lock();
        try {
            released = true;
            if (stream != null) {
                stream.end();
                stream = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the session holds now: the stream's state with context takeover once used, else 0. */
    public long retainedBytes() {
        lock.lock();
        try {
            return stream == null ? 0 : stateBytes(windowBits, memoryLevel);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The heap one JZlib deflate stream holds: zlib's formula (window 2 × 2^w, prev chain
     * 2 × 2^w bytes, hash head 2^(m+8), pending and literal buffers 2^(m+8)) plus about 6 KiB
     * of Huffman trees.
     */
    static long stateBytes(int windowBits, int memoryLevel) {
        int w = Math.max(9, windowBits);
        return (4L << w) + (1L << (memoryLevel + 9)) + 6 * 1024;
    }

    static Deflater newStream(int windowBits, int memoryLevel) {
        try {
            return new Deflater(LEVEL, Math.max(9, windowBits), memoryLevel, JZlib.W_NONE);
        } catch (GZIPException e) {
            throw new IllegalStateException("zlib parameters refused: window bits " + windowBits
                    + ", memory level " + memoryLevel, e);
        }
    }

    /** Compresses with a sync flush, growing the output until the flush fits; strips the tail. */
    static byte[] deflate(Deflater stream, byte[] data, int offset, int length) {
        byte[] out = new byte[Math.max(64, length / 2 + 64)];
        int size = 0;
        stream.setInput(data, offset, length, false);
        try {
            while (true) {
                stream.setOutput(out, size, out.length - size);
                int status = stream.deflate(JZlib.Z_SYNC_FLUSH);
                if (status != JZlib.Z_OK && status != JZlib.Z_BUF_ERROR) {
                    throw new IllegalStateException("deflate failed: " + status + " " + stream.getMessage());
                }
                size = stream.getNextOutIndex();
                if (stream.getAvailOut() > 0 && stream.getAvailIn() == 0) {
                    break; // the flush fit: everything is out
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
        } finally {
            stream.setNextIn(null); // keep no reference to the caller's array
            stream.setNextOut(null);
        }
        return PerMessageDeflate.withoutTail(out, size);
    }
}
