package io.switchboard.websocket.internal;

import java.io.InputStream;
import java.util.Arrays;

/**
 * Serves a byte array in pieces, the way a socket may deliver it: a read never crosses the
 * next piece boundary. Optionally fails the test when asked for a byte at or past a limit,
 * to prove that a reader stopped early.
 */
final class PieceInputStream extends InputStream {

    private final byte[] data;
    /** Ascending offsets at which a read must stop; a read never returns bytes on both sides. */
    private final int[] boundaries;
    /** A read asking for the byte at this offset fails the test; -1 means plain EOF at the end. */
    private final int limit;
    /** Offset of the next byte to serve. */
    private int position;

    private PieceInputStream(byte[] data, int[] boundaries, int limit) {
        this.data = data;
        this.boundaries = boundaries;
        this.limit = limit;
    }

    /** Serves {@code data} in two reads split at {@code index} (0 and length give one piece). */
    static PieceInputStream splitAt(byte[] data, int index) {
        return new PieceInputStream(data, new int[] {index}, -1);
    }

    /** Serves {@code data} one byte per read. */
    static PieceInputStream oneBytePerRead(byte[] data) {
        int[] every = new int[data.length];
        Arrays.setAll(every, i -> i + 1);
        return new PieceInputStream(data, every, -1);
    }

    /**
     * Serves the first {@code limit} bytes of {@code data}; asking for any later byte throws
     * an AssertionError instead of returning it or reporting the end of the stream.
     */
    static PieceInputStream failingPast(byte[] data, int limit) {
        return new PieceInputStream(data, new int[0], limit);
    }

    /** How many bytes have been served. */
    int position() {
        return position;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (limit >= 0 && position >= limit) {
            throw new AssertionError("read asked for byte " + position + " but the reader must stop before byte " + limit);
        }
        if (position >= data.length) {
            return -1;
        }
        int end = limit >= 0 ? Math.min(limit, data.length) : data.length;
        for (int boundary : boundaries) {
            if (boundary > position) {
                end = Math.min(end, boundary);
                break;
            }
        }
        int n = Math.min(len, end - position);
        System.arraycopy(data, position, b, off, n);
        position += n;
        return n;
    }
}
