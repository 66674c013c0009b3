package io.switchboard.websocket.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * RFC 7692 permessage-deflate without context: one message compressed on its own, with the
 * JDK's zlib streams borrowed from a small shared pool, so nothing stays with a session. This is
 * the path of every session without context takeover, and the one-shot entry point for
 * compressing a message once for many such sessions ({@link #deflate(byte[], int, int)}: a
 * broadcast). Negotiation is {@link DeflateNegotiation}; sessions with context takeover use
 * {@link MessageDeflater} and {@link MessageInflater}.
 *
 * <p>The JDK's Deflater always uses a 32 KiB window. A message of at most 2^bits bytes
 * compressed on its own cannot refer back further than its own start, so it fits any agreed
 * window of {@code bits}; longer messages for a smaller window go through a JZlib stream of that
 * window. Compression runs at zlib's fastest level: on JSON-like text it compresses 4.8:1
 * instead of 5.7:1 at the default level, at 2.4 times the throughput (bin/bench).
 * Thread-safe.
 */
public final class PerMessageDeflate {

    /** §7.2.1: the bytes every compressed message ends with, removed before sending. */
    public static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    /** Without context takeover, messages shorter than this are sent uncompressed (RSV1 clear), as §6.1 allows. */
    public static final int MIN_COMPRESSED_LENGTH = 64;
    private static final int MAX_BITS = 15;
    private static final int POOL_MAX = 16;

    private static final ConcurrentLinkedQueue<Deflater> DEFLATERS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<Inflater> INFLATERS = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED_DEFLATERS = new AtomicInteger();
    private static final AtomicInteger POOLED_INFLATERS = new AtomicInteger();

    private PerMessageDeflate() {
    }

    /**
     * Compresses one whole message without context (§7.2.1): raw deflate with a sync flush,
     * without the final {@link #TAIL}. The result can be sent with RSV1 to every session whose
     * outgoing direction has no context takeover and a 15-bit window (or whose window holds the
     * whole message: see {@link #deflate(byte[], int, int, int, int)}).
     */
    public static byte[] deflate(byte[] data, int offset, int length) {
        Deflater deflater = DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.BEST_SPEED, true);
        } else {
            POOLED_DEFLATERS.decrementAndGet();
        }
        try {
            deflater.setInput(data, offset, length);
            byte[] out = new byte[Math.max(64, length / 2 + 64)];
            int size = 0;
            while (true) {
                int n = deflater.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
                size += n;
                if (size < out.length) {
                    break; // the flush fit: everything is out
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
            return withoutTail(out, size);
        } finally {
            deflater.reset();
            if (POOLED_DEFLATERS.incrementAndGet() <= POOL_MAX) {
                DEFLATERS.offer(deflater);
            } else {
                POOLED_DEFLATERS.decrementAndGet();
                deflater.end();
            }
        }
    }

    /**
     * As {@link #deflate(byte[], int, int)}, for a peer whose window is {@code windowBits} (8–15);
     * a JZlib stream of {@code memoryLevel} is made for the message if the window is smaller
     * than the message.
     */
    public static byte[] deflate(byte[] data, int offset, int length, int windowBits, int memoryLevel) {
        if (windowBits >= MAX_BITS || length <= 1 << windowBits) {
            return deflate(data, offset, length);
        }
        com.jcraft.jzlib.Deflater stream = MessageDeflater.newStream(windowBits, memoryLevel);
        try {
            return MessageDeflater.deflate(stream, data, offset, length);
        } finally {
            stream.end();
        }
    }

    /** The first {@code size} bytes of {@code out}, less the {@link #TAIL} a sync flush ends with. */
    static byte[] withoutTail(byte[] out, int size) {
        if (size >= 4 && out[size - 4] == 0 && out[size - 3] == 0 && out[size - 2] == (byte) 0xFF
                && out[size - 1] == (byte) 0xFF) {
            size -= 4;
        }
        return Arrays.copyOf(out, size);
    }

    /** Borrows an inflater for one message; give it back with {@link #release(Inflater)}. */
    static Inflater borrowInflater() {
        Inflater inflater = INFLATERS.poll();
        if (inflater == null) {
            return new Inflater(true);
        }
        POOLED_INFLATERS.decrementAndGet();
        return inflater;
    }

    static void release(Inflater inflater) {
        inflater.reset();
        if (POOLED_INFLATERS.incrementAndGet() <= POOL_MAX) {
            INFLATERS.offer(inflater);
        } else {
            POOLED_INFLATERS.decrementAndGet();
            inflater.end();
        }
    }
}
