package io.switchboard.websocket.internal;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.Inflater;
import com.jcraft.jzlib.JZlib;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;

/**
 * The decompressor of one session's incoming messages (RFC 7692 §7.2.2), driven by the
 * {@link FrameReader}: {@link #begin()}, then {@link #setInput} and {@link #inflate} per chunk
 * of compressed bytes (the message's {@link PerMessageDeflate#TAIL} last), then
 * {@link #endMessage()}.
 *
 * <p>With context takeover the session keeps one JZlib stream with the agreed window (2^bits
 * bytes plus about 18 KiB of decoding tables, {@link #stateBytes}), created with the first
 * compressed message. Without it, a JDK inflater is borrowed from a shared pool for each
 * message and given back at its end, so an idle session holds nothing. A message that ends its
 * deflate stream (a block with BFINAL set, §7.2.3.4) makes the next message start a new stream.
 *
 * <p>Thread-safe: the reading thread uses it, {@link #release()} may come from any thread; a
 * small lock makes release wait for one inflate step at most.
 */
public final class MessageInflater {

    private final int windowBits;
    private final boolean contextTakeover;
    private final ReentrantLock lock = new ReentrantLock();
    /** The session's stream with context takeover; null before the first message and after release. */
    private Inflater stream;
    /** The pooled stream of the message in progress without context takeover; null between messages. */
    private java.util.zip.Inflater borrowed;
    /** Set when the stream ended inside a message: it is started anew for the next message. */
    private boolean streamEnded;
    private boolean released;

    /**
     * @param windowBits 8–15, the largest window the peer compresses with
     * @param contextTakeover whether the peer keeps its context between messages
     */
    public MessageInflater(int windowBits, boolean contextTakeover) {
        this.windowBits = windowBits;
        this.contextTakeover = contextTakeover;
    }

    /** Starts a compressed message. */
    void begin() {
        lock.lock();
        try {
            if (released) {
                return; // inflate fails
            }
            if (!contextTakeover) {
                borrowed = PerMessageDeflate.borrowInflater();
            } else if (stream == null || streamEnded) {
                stream = newStream(windowBits);
                streamEnded = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next compressed bytes of the message; {@link #inflate} consumes them. */
    void setInput(byte[] input, int offset, int length) {
        lock.lock();
        try {
            if (borrowed != null) {
                borrowed.setInput(input, offset, length);
            } else if (stream != null) {
                stream.setInput(input, offset, length, false);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inflates into {@code out}; returns the bytes written, 0 once the input is used up (or the
     * stream ended). {@code length} must be above 0.
     *
     * @throws DataFormatException if the input is not valid deflate data for the agreed window
     */
    int inflate(byte[] out, int offset, int length) throws DataFormatException {
        lock.lock();
        try {
            if (released) {
                throw new DataFormatException("the session ended"); // never a truncated message
            }
            if (borrowed != null) {
                while (true) {
                    int n = borrowed.inflate(out, offset, length);
                    if (n > 0 || borrowed.needsInput() || borrowed.finished() || borrowed.needsDictionary()) {
                        return n;
                    }
                }
            }
            if (stream == null || streamEnded) {
                return 0; // the data after a final block (the tail) is ignored
            }
            stream.setOutput(out, offset, length);
            while (true) {
                int status = stream.inflate(JZlib.Z_SYNC_FLUSH);
                int n = stream.getNextOutIndex() - offset;
                if (status == JZlib.Z_STREAM_END) {
                    streamEnded = true;
                    return n;
                }
                if (status != JZlib.Z_OK && status != JZlib.Z_BUF_ERROR) {
                    String message = stream.getMessage();
                    stream = null; // its state is corrupt; the session is failing anyway
                    throw new DataFormatException(message == null ? "zlib status " + status : message);
                }
                if (n > 0 || status == JZlib.Z_BUF_ERROR || stream.getAvailIn() == 0) {
                    return n;
                }
            }
        } finally {
            if (stream != null) {
                stream.setNextOut(null);
            }
            lock.unlock();
        }
    }

    /** Ends the message: a borrowed stream goes back to the pool; a kept one keeps its window. */
    void endMessage() {
        lock.lock();
        try {
            if (borrowed != null) {
                PerMessageDeflate.release(borrowed);
                borrowed = null;
            }
            if (stream != null) {
                stream.setNextIn(null);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops all state; a message in progress fails. Idempotent. */
    public void release() {
        lock.lock();
        try {
            released = true;
            if (borrowed != null) {
                borrowed.end(); // may be mid-message: never back into the pool
                borrowed = null;
            }
            if (stream != null) {
                stream.end();
                stream = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the session holds between messages: the kept stream's state, else 0. */
    public long retainedBytes() {
        lock.lock();
        try {
            return stream == null ? 0 : stateBytes(windowBits);
        } finally {
            lock.unlock();
        }
    }

    /** The heap one JZlib inflate stream holds: its window plus about 18 KiB of decoding tables. */
    static long stateBytes(int windowBits) {
        return (1L << windowBits) + 18 * 1024;
    }

    private static Inflater newStream(int windowBits) {
        try {
            return new Inflater(windowBits, JZlib.W_NONE);
        } catch (GZIPException e) {
            throw new IllegalStateException("zlib refused window bits " + windowBits, e);
        }
    }
}
