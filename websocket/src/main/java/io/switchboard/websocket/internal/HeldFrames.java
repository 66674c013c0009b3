package io.switchboard.websocket.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how long frames held back for coalescing may wait. A reading thread that sends while
 * more of its peer's bytes are buffered holds its frames so that the replies to a burst leave
 * in one write; they normally leave when it next waits for the peer. A handler that instead
 * works for long between reads must not keep them: every writer that holds frames is listed
 * here, and a sweep on the shared {@link Timer}, at most {@link #MAX_WAIT} after, hands each
 * one still holding frames to a virtual thread that writes them. The sweep runs only while
 * some writer holds frames. Thread-safe.
 */
final class HeldFrames {

    /** The longest frames wait in a writer's buffer, give or take one sweep. */
    static final Duration MAX_WAIT = Duration.ofMillis(1);

    /** A writer that may hold frames. */
    interface Writer {
        /** Writes the frames held, if any (may block: runs on a virtual thread). */
        void flushHeld();

        /** Whether frames are held now (read without the writer's lock). */
        boolean holding();

        /** The sweep took the writer off the list: its next held frame lists it again. */
        void unlisted();
    }

    private static final ConcurrentLinkedQueue<Writer> LISTED = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean SCHEDULED = new AtomicBoolean();

    private HeldFrames() {
    }

    /** Lists {@code writer}, which just held a frame; the caller lists each writer once per hold. */
    static void listed(Writer writer) {
        LISTED.add(writer);
        if (SCHEDULED.compareAndSet(false, true)) {
            Timer.after(MAX_WAIT, HeldFrames::sweep);
        }
    }

    /** On the timer thread: never writes itself, hands writers still holding frames to virtual threads. */
    private static void sweep() {
        int n = LISTED.size();
        for (int i = 0; i < n; i++) {
            Writer writer = LISTED.poll();
            if (writer == null) {
                break;
            }
            writer.unlisted();
            if (writer.holding()) {
                Thread.ofVirtual().name("switchboard-flush").start(writer::flushHeld);
            }
        }
        SCHEDULED.set(false);
        if (!LISTED.isEmpty() && SCHEDULED.compareAndSet(false, true)) {
            Timer.after(MAX_WAIT, HeldFrames::sweep);
        }
    }
}
