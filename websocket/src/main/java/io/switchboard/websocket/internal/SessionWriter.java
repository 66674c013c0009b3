package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_CONTINUATION;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PONG;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a {@link WebSocketSession}: every frame the session writes goes through
 * here. A data message holds the message lock for all its fragments, so messages never
 * interleave (§5.4); each frame holds the frame lock, which is fair, so a pong, a heartbeat or
 * the close frame waiting for it goes out between two fragments. Pongs owed wait in a bounded
 * queue and go out ahead of the next frame or from a short-lived virtual thread, so the reading
 * thread never waits for a write. Every write is marked as in progress, so that the session's
 * watchdog can time it against the write timeout. Thread-safe.
 */
final class SessionWriter implements HeldFrames.Writer, Runnable {

    /** What the writer needs of its session. */
    interface Owner {
        /** Whether nothing more may be written: our close frame went out, or the transport is released. */
        boolean closing();

        /** A write failed: the transport is unusable. */
        void writeFailed(IOException e);

        /**
         * Whether a data frame sent now may wait in the buffer: the sender is the reading thread
         * and more of the peer's bytes are already buffered, so its next read does not block and
         * the frames its messages cause can leave together.
         */
        default boolean mayHold() {
            return false;
        }
    }

    /** Pongs that may wait behind a blocked writer; beyond, the oldest are dropped (§5.5.3). */
    static final int MAX_PENDING_PONGS = 256;

    private final Owner owner;
    private final FrameWriter frames;
    /** The compressor if permessage-deflate was agreed; else null. */
    private final MessageDeflater deflater;
    private final OutboundBudget budget;
    private final int fragmentSize;
    /** Whether writes are timed (a write timeout is set): the watchdog then watches the write counter. */
    private final boolean timesWrites;
    /** Held by a data message's sender for all its fragments, taken before frameLock. */
    private final ReentrantLock messageLock = new ReentrantLock();
    /**
     * Held while one frame is written; fair, see the class description. These two are
     * ReentrantLocks, not CompactLocks (16 bytes more each): with CompactLocks here a 64 KiB text
     * echo took about 10 % more server CPU per message.
     */
    private final ReentrantLock frameLock = new ReentrantLock(true);
    /** Pongs owed, in the order of their pings, and their count; null until the first ping. */
    private volatile OwedPongs pendingPongs;
    /**
     * Counts the writes started and ended: odd while one is in progress, which the session's
     * watchdog times (no clock read per frame). Changed only under the frame lock.
     */
    private volatile long writes;
    /** Whether this writer is on {@link HeldFrames}' list. */
    private volatile boolean listed;
    /** Counts the frames written; set before the session is used. */
    private volatile SessionCounters counters = SessionCounters.NONE;

    SessionWriter(Owner owner, FrameWriter frames, MessageDeflater deflater, SessionConfig config) {
        this.owner = owner;
        this.frames = frames;
        this.deflater = deflater;
        this.budget = new OutboundBudget();
        this.fragmentSize = config.fragmentSize();
        this.timesWrites = !config.writeTimeout().isZero();
    }

    /** The outbound budget: what sends may queue behind the one being written. */
    OutboundBudget budget() {
        return budget;
    }

    /** The compressor if permessage-deflate was agreed; else null. */
    MessageDeflater deflater() {
        return deflater;
    }

    void counters(SessionCounters counters) {
        this.counters = counters;
    }

    /** A number naming the write in progress, the same while it lasts; 0 when none is in progress. */
    long writeInProgress() {
        long w = writes;
        return (w & 1) != 0 ? w : 0;
    }

    /**
     * Writes one data message, compressed if agreed, in fragments of at most the fragment size;
     * the frame lock is taken per fragment, and once our close frame is out the rest of the
     * message is not sent (§5.5.1). The caller has taken {@code length} bytes of the budget;
     * they are given back here.
     *
     * @return false if closing, interrupted, or the write failed
     */
    boolean message(int opcode, byte[] payload, int offset, int length) {
        boolean writing = false;
        messageLock.lock();
        try {
            if (owner.closing() || Thread.currentThread().isInterrupted()) {
                return false; // interrupted: writing would let an interruptible channel close under everyone
            }
            budget.startWriting(length);
            writing = true;
            boolean compress = deflater != null && deflater.compresses(length);
            if (compress) {
                payload = deflater.compress(payload, offset, length);
                offset = 0;
                length = payload.length;
            }
            int end = offset + length;
            int at = offset;
            do {
                int n = Math.min(fragmentSize, end - at);
                frameLock.lock();
                try {
                    if (owner.closing() || !frame(at == offset ? opcode : OPCODE_CONTINUATION, at + n == end,
                            at == offset && compress, payload, at, n)) {
                        return false;
                    }
                } finally {
                    frameLock.unlock();
                }
                at += n;
            } while (at < end);
            return true;
        } finally {
            messageLock.unlock();
            budget.release(length, writing);
        }
    }

    /**
     * Writes a control frame (at most 125 bytes), outside the budget and the message lock: a pong
     * never waits behind a broadcast, and goes out between the fragments of a large message.
     */
    boolean control(int opcode, byte[] payload, int offset, int length) {
        frameLock.lock();
        try {
            return !owner.closing() && !Thread.currentThread().isInterrupted()
                    && frame(opcode, true, false, payload, offset, length);
        } finally {
            frameLock.unlock();
        }
    }

    /**
     * Writes a frame encoded once for many sessions (topics), as one message. The caller has
     * taken {@code length} bytes (the payload's) of the budget; they are given back here.
     */
    boolean encoded(byte[] encoded, int length) {
        boolean writing = false;
        messageLock.lock(); // never inside the fragments of another message
        frameLock.lock();
        try {
            if (owner.closing() || Thread.currentThread().isInterrupted()) {
                return false;
            }
            budget.startWriting(length);
            writing = true;
            startWrite();
            writePendingPongs();
            frames.writeEncoded(encoded);
            counters.encodedOut(encoded.length);
            return true;
        } catch (IOException e) {
            owner.writeFailed(e);
            return false;
        } finally {
            endWrite();
            frameLock.unlock();
            messageLock.unlock();
            budget.release(length, writing);
        }
    }

    /** Takes the message lock for a streamed send, until {@link #endStream()}. */
    void startStream() {
        messageLock.lock();
    }

    /** Writes one fragment of a streamed message (the caller holds the message lock); false once closing. */
    boolean fragment(int opcode, boolean fin, byte[] payload, int length) {
        frameLock.lock();
        try {
            return !owner.closing() && frame(opcode, fin, false, payload, 0, length);
        } finally {
            frameLock.unlock();
        }
    }

    /** Ends a streamed send: other sends may go. */
    void endStream() {
        if (messageLock.isHeldByCurrentThread()) {
            messageLock.unlock();
        }
    }

    /**
     * Owes a pong for a ping just read (called by the reading thread, never blocks). If none was
     * owed, a virtual thread writes it unless a frame written meanwhile takes it along.
     */
    void pong(byte[] payload) {
        OwedPongs pendingPongs = this.pendingPongs;
        if (pendingPongs == null) {
            // Created with the first ping (only the reading thread calls this): a session that
            // is never pinged holds none.
            this.pendingPongs = pendingPongs = new OwedPongs();
        }
        pendingPongs.add(payload);
        int owed = pendingPongs.counted(1);
        if (owed > MAX_PENDING_PONGS && pendingPongs.poll() != null) {
            pendingPongs.counted(-1);
        }
        if (owed == 1) {
            Thread.ofVirtual().start(this::writePongs);
        }
    }

    private void writePongs() {
        frameLock.lock();
        try {
            if (!owner.closing()) {
                startWrite();
                writePendingPongs();
            }
        } catch (IOException e) {
            owner.writeFailed(e);
        } finally {
            endWrite();
            frameLock.unlock();
        }
    }

    /**
     * {@link #flushHeldNow()}: the writer is the action its session's input runs before it waits
     * for the peer (one object less per session than a lambda).
     */
    @Override
    public void run() {
        flushHeldNow();
    }

    /**
     * Writes the frames held back, if any, unless another thread is writing: that thread is not
     * the reading thread, so it does not hold its frame and takes the held ones along. Called by
     * the reading thread before it waits for the peer; never waits for the frame lock.
     */
    void flushHeldNow() {
        if (frames.held() > 0 && frameLock.tryLock()) {
            try {
                writeHeld();
            } finally {
                frameLock.unlock();
            }
        }
    }

    /**
     * Writes the frames held back, if any, waiting for the frame lock: its holder may be the
     * reading thread itself, still finishing the write that held them. Called on a virtual
     * thread by {@link HeldFrames}.
     */
    @Override
    public void flushHeld() {
        frameLock.lock();
        try {
            writeHeld();
        } finally {
            frameLock.unlock();
        }
    }

    /**
     * Lets go of the frame buffer unless frames are held or another thread is writing: for a
     * session going idle, which then holds no write buffer until it sends again.
     */
    void trim() {
        if (frameLock.tryLock()) {
            try {
                frames.trim();
            } finally {
                frameLock.unlock();
            }
        }
    }

    private void writeHeld() {
        if (frames.held() == 0 || owner.closing()) {
            return;
        }
        startWrite();
        try {
            frames.flush();
        } catch (IOException e) {
            owner.writeFailed(e);
        } finally {
            endWrite();
        }
    }

    @Override
    public boolean holding() {
        return frames.held() > 0;
    }

    @Override
    public void unlisted() {
        listed = false;
    }


    /** Takes the frame lock if it is free now. */
    boolean tryLockFrame() {
        return frameLock.tryLock();
    }

    /** Takes the frame lock, waiting at most {@code timeout} (not at all if the thread is interrupted). */
    boolean lockFrameWithin(Duration timeout) {
        if (frameLock.tryLock()) {
            return true;
        }
        try {
            return frameLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void unlockFrame() {
        frameLock.unlock();
    }

    /** Writes our close frame, owed pongs first; the caller holds the frame lock. Code -1: no payload. */
    void closeFrame(int code, String reason) throws IOException {
        startWrite();
        try {
            writePendingPongs();
            frames.writeClose(code, reason);
        } finally {
            endWrite();
        }
    }

    /** Writes one frame, owed pongs first, marked as a write in progress. Caller holds the frame lock. */
    private boolean frame(int opcode, boolean fin, boolean rsv1, byte[] payload, int offset, int length) {
        startWrite();
        try {
            writePendingPongs();
            frames.writeFrame(opcode, fin, rsv1, payload, offset, length, owner.mayHold());
            if (frames.held() > 0 && !listed) {
                listed = true;
                HeldFrames.listed(this);
            }
            counters.frameOut(opcode, fin, length);
            return true;
        } catch (IOException e) {
            owner.writeFailed(e);
            return false;
        } finally {
            endWrite();
        }
    }

    /** Writes the owed pongs, if any, ahead of the frame about to be written (caller holds the frame lock). */
    private void writePendingPongs() throws IOException {
        OwedPongs pendingPongs = this.pendingPongs;
        if (pendingPongs == null) {
            return;
        }
        for (byte[] payload; (payload = pendingPongs.poll()) != null; ) {
            pendingPongs.counted(-1);
            frames.writeFrame(OPCODE_PONG, true, payload, 0, payload.length);
        }
    }

    /** A write starts (the caller holds the frame lock): the watchdog may time it. */
    private void startWrite() {
        if (timesWrites && (writes & 1) == 0) {
            writes++;
        }
    }

    /** The write ended (the caller holds the frame lock). */
    private void endWrite() {
        if ((writes & 1) != 0) {
            writes++;
        }
    }

    /** The owed pongs' queue carrying their count: one object per pinged session, not two. */
    private static final class OwedPongs extends ConcurrentLinkedQueue<byte[]> {
        private static final long serialVersionUID = 1L;
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(OwedPongs.class, "count", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Pongs added minus pongs taken; the reader starts a writer when it goes from 0 to 1. */
        private volatile int count;

        /** Adds {@code delta} to the count, returning the new count. */
        int counted(int delta) {
            return (int) COUNT.getAndAdd(this, delta) + delta;
        }
    }
}
