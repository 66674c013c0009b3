package io.switchboard.websocket.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * One session's outbound budget: the bytes of sends that may wait behind the one being written.
 * A send that finds nothing ahead of it always fits, however large. Every idle session holds one,
 * so it is small: a {@link CompactLock}, and a condition only once a sender had to wait.
 * Thread-safe.
 */
final class OutboundBudget {

    /** What {@link #take} came to. */
    enum Take {
        /** The bytes are counted; release them after the write. */
        TAKEN,
        /** Over budget, and the caller asked not to wait. */
        OVER,
        /** Over budget for the whole timeout. */
        TIMED_OUT,
        /** The session closed while waiting. */
        CLOSED
    }

    private final CompactLock lock = CompactLock.nonfair();
    /**
     * Guarded by lock: signalled when bytes leave the waiting part, or when the session ends;
     * null until the first sender waits (most sessions never do).
     */
    private Condition freed;
    /** Guarded by lock: bytes of sends that are writing or waiting to write. */
    private long queued;
    /** Guarded by lock: the part of queued being written now, which the budget does not limit. */
    private long writing;

    /**
     * Counts {@code length} bytes as waiting, once they fit within {@code limit} (the session
     * configuration's, passed in rather than copied into every session's budget). Over it returns {@link
     * Take#OVER} at once unless {@code wait}; else it waits up to {@code timeout} (zero: no
     * limit), returning early if {@code closed} turns true.
     */
    Take take(int length, long limit, boolean wait, Duration timeout, BooleanSupplier closed)
            throws InterruptedException {
        lock.lock();
        try {
            long deadline = 0;
            while (queued > 0 && queued - writing + length > limit) {
                if (!wait) {
                    return Take.OVER;
                }
                if (deadline == 0) {
                    deadline = System.nanoTime() + timeout.toNanos(); // only a send that waits reads the clock
                }
                long left = timeout.isZero() ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return Take.TIMED_OUT;
                }
                if (freed == null) {
                    freed = lock.newCondition();
                }
                freed.awaitNanos(left);
                if (closed.getAsBoolean()) {
                    return Take.CLOSED;
                }
            }
            queued += length;
            return Take.TAKEN;
        } finally {
            lock.unlock();
        }
    }

    /** The bytes that would wait if {@code length} more were taken now. */
    long waitingWith(int length) {
        lock.lock();
        try {
            return queued - writing + length;
        } finally {
            lock.unlock();
        }
    }

    /** Moves {@code length} taken bytes from waiting to being written. */
    void startWriting(int length) {
        lock.lock();
        try {
            writing += length;
            signalFreed();
        } finally {
            lock.unlock();
        }
    }

    /** Gives back {@code length} taken bytes, written ({@code wasWriting}) or not. */
    void release(int length, boolean wasWriting) {
        lock.lock();
        try {
            queued -= length;
            if (wasWriting) {
                writing -= length;
            }
            signalFreed();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the waiting senders, if any (the caller holds the lock). */
    private void signalFreed() {
        if (freed != null) {
            freed.signalAll();
        }
    }

    /** Wakes every waiting sender, e.g. because the session ended. */
    void wakeAll() {
        lock.lock();
        try {
            signalFreed();
        } finally {
            lock.unlock();
        }
    }
}
