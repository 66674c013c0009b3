package io.switchboard.testlogging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes written since the last {@link #takeAll()} or {@link #discard()}, at most
 * {@code limit} of them: past that the oldest half is dropped and the drop is noted once in
 * front of what is kept, so a test that logs in a loop cannot exhaust the test JVM's heap.
 * Thread-safe: background threads of a test (servers, virtual threads) write here too.
 */
final class HeldOutput extends OutputStream {

    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: the held bytes are {@code buffer[0, size)}. */
    private byte[] buffer = new byte[8192];
    private int size;
    /** Guarded by {@link #lock}: bytes dropped from the front since the last take or discard. */
    private long dropped;

    HeldOutput(int limit) {
        if (limit < 2) {
            throw new IllegalArgumentException("limit must be at least 2: " + limit);
        }
        this.limit = limit;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        lock.lock();
        try {
            if (length >= limit) { // keep only the tail of one huge write
                dropped += size + (length - limit / 2);
                size = 0;
                offset += length - limit / 2;
                length = limit / 2;
            }
            if (size + length > limit) {
                int drop = Math.max(size / 2, size + length - limit);
                System.arraycopy(buffer, drop, buffer, 0, size - drop);
                size -= drop;
                dropped += drop;
            }
            if (size + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(size + length, buffer.length * 2)));
            }
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        } finally {
            lock.unlock();
        }
    }

    /** Writes everything held to {@code out} (with a note of what was dropped) and forgets it. */
    void takeAll(OutputStream out) throws IOException {
        byte[] held;
        long lost;
        lock.lock();
        try {
            held = Arrays.copyOf(buffer, size);
            lost = dropped;
            clear();
        } finally {
            lock.unlock();
        }
        if (lost > 0) {
            out.write(("[... " + lost + " earlier bytes of output dropped ...]\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write(held);
    }

    /** Forgets everything held. */
    void discard() {
        lock.lock();
        try {
            clear();
        } finally {
            lock.unlock();
        }
    }

    private void clear() {
        size = 0;
        dropped = 0;
        if (buffer.length > 64 * 1024) {
            buffer = new byte[8192]; // give back what one noisy test grew
        }
    }
}
