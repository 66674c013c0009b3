package io.switchboard.websocket.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded number of platform threads for callback sessions in a burst. A virtual thread
 * blocked in a socket read costs two thread wake-ups when bytes arrive (the JDK's poller, then
 * a carrier); a platform thread blocked in the same read is woken by the kernel directly. For a
 * session whose small messages come back to back (a request/response exchange, a game's ticks)
 * that is a third less CPU per message and a shorter round trip. A session moves here at a
 * message boundary and leaves after a message larger than {@link #SMALL_MESSAGE} or at the first
 * boundary where nothing arrives for {@link #LINGER_MILLIS};
 * when every express thread is busy, sessions stay on their virtual threads, which serve them
 * as before. No thread is kept without a session: each one ends when its session leaves.
 * Thread-safe.
 */
public final class ExpressLane {

    private static final System.Logger LOG = System.getLogger(ExpressLane.class.getName());

    /** Silence at a boundary after which a session leaves its express thread (the burst gap). */
    static final long LINGER_MILLIS = SessionInput.BURST_GAP_NANOS / 1_000_000;

    /**
     * The largest message (bytes or chars) of an exchange the lane serves. Bulk transfers go as
     * fast on virtual threads (the wake-ups are a small part of a large message's cost; measured,
     * 64 KiB echoes took more CPU per message here) and would keep the lane from exchanges.
     */
    static final int SMALL_MESSAGE = 4096;

    private final int size;
    private final AtomicInteger busy = new AtomicInteger();
    private final ThreadFactory threads = Thread.ofPlatform().daemon().name("switchboard-express-", 0).factory();

    /** @param size the most express threads at once; 0 sends no session here */
    public ExpressLane(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        this.size = size;
    }

    /** The most express threads at once. */
    public int size() {
        return size;
    }

    /** Express threads serving a session now. */
    public int busy() {
        return busy.get();
    }

    /** Runs {@code task} on a new express thread if fewer than {@link #size()} run; else returns false. */
    boolean tryRun(Runnable task) {
        if (size == 0) {
            return false;
        }
        if (busy.incrementAndGet() > size) {
            busy.decrementAndGet();
            return false;
        }
        try {
            threads.newThread(() -> {
                try {
                    task.run();
                } finally {
                    busy.decrementAndGet();
                }
            }).start();
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            busy.decrementAndGet();
            LOG.log(Level.WARNING, "cannot start an express thread; the session stays on its virtual thread: {0}",
                    e.toString());
            return false;
        }
    }
}
