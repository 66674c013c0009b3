package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.WebSocket;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's side of the topics: the names it is subscribed to, and the queue of frames
 * waiting to be written to it. A virtual thread drains the queue while it holds frames and
 * ends when it is empty, so an idle subscriber holds no thread. The queue is bounded by the
 * session's outbound budget (bytes of payload; a frame that finds the queue empty always fits):
 * a frame that does not fit closes the session with 1008 and is dropped for it.
 *
 * <p>Thread-safe: the topic names, the queue and the flags are guarded by {@code lock}; the
 * drainer is the only thread that writes to the session on the topics' behalf.
 */
final class TopicSubscriber {

    private static final System.Logger LOG = System.getLogger(TopicSubscriber.class.getName());
    /** The queue bound for sessions that are not our own (their budget is not known). */
    static final long DEFAULT_BUDGET = 16L * 1024 * 1024;

    /** What {@link #join} did. */
    enum Join { ADDED, PRESENT, LEFT }

    private final WebSocket session;
    private final TopicHub hub;
    private final long budget;
    private final AtomicBoolean watched = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final Set<String> topics = new HashSet<>();
    /** Guarded by lock: frames waiting for the drainer. */
    private final ArrayDeque<SharedFrame> queue = new ArrayDeque<>();
    /** Guarded by lock: payload bytes in the queue plus the frame being written. */
    private long queuedBytes;
    /** Guarded by lock: whether a drainer thread is running. */
    private boolean draining;
    /** Guarded by lock: the session ended or was closed as too slow; nothing is queued any more. */
    private boolean left;

    TopicSubscriber(WebSocket session, TopicHub hub) {
        this.session = session;
        this.hub = hub;
        this.budget = session instanceof WebSocketSession own ? own.outboundBudget() : DEFAULT_BUDGET;
    }

    WebSocket session() {
        return session;
    }

    /** True once for the thread that should call {@link #watchTermination}. */
    boolean isNew() {
        return watched.compareAndSet(false, true);
    }

    /** Makes the hub drop this subscriber when its session ends. */
    void watchTermination() {
        if (session instanceof WebSocketSession own) {
            own.whenTerminated(() -> hub.leave(this));
        }
        // Other WebSocket implementations are dropped when a delivery finds them closed.
    }

    Join join(String topic) {
        lock.lock();
        try {
            if (left) {
                return Join.LEFT;
            }
            return topics.add(topic) ? Join.ADDED : Join.PRESENT;
        } finally {
            lock.unlock();
        }
    }

    boolean quit(String topic) {
        lock.lock();
        try {
            return topics.remove(topic);
        } finally {
            lock.unlock();
        }
    }

    boolean hasLeft() {
        lock.lock();
        try {
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Marks this subscriber as gone, drops its queue, and returns the topics it was in. */
    List<String> leaveAll() {
        lock.lock();
        try {
            left = true;
            queue.clear();
            List<String> names = List.copyOf(topics);
            topics.clear();
            return names;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code frame} and starts a drainer if none runs. Never blocks on the session.
     *
     * @return whether the frame was queued
     */
    boolean offer(SharedFrame frame) {
        boolean start = false;
        lock.lock();
        try {
            if (left) {
                return false;
            }
            if (queuedBytes > 0 && queuedBytes + frame.length() > budget) {
                long wanted = queuedBytes + frame.length();
                left = true; // no more frames for a session that is being closed
                queue.clear();
                Thread.ofVirtual().start(() -> closeSlow(wanted));
                return false;
            }
            queue.add(frame);
            queuedBytes += frame.length();
            if (!draining) {
                draining = true;
                start = true;
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            Thread.ofVirtual().start(this::drain);
        }
        return true;
    }

    /** The drainer: writes queued frames in order until the queue is empty or the session ends. */
    private void drain() {
        while (true) {
            SharedFrame frame;
            lock.lock();
            try {
                frame = queue.poll();
                if (frame == null) {
                    draining = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            boolean sent = write(frame);
            lock.lock();
            try {
                queuedBytes -= frame.length();
            } finally {
                lock.unlock();
            }
            if (!sent && !session.isOpen()) {
                hub.leave(this); // also drops what is still queued
            }
        }
    }

    private boolean write(SharedFrame frame) {
        try {
            return session instanceof WebSocketSession own ? own.sendShared(frame) : session.send(frame.message());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: topic delivery failed: {1}", session, e.toString());
            return false;
        }
    }

    private void closeSlow(long wanted) {
        LOG.log(Level.INFO, "{0}: closing with 1008: {1} bytes of topic messages would wait to be sent, the budget is {2}",
                session, wanted, budget);
        hub.leave(this);
        session.close(CloseStatus.POLICY_VIOLATION, "slow consumer");
    }

    @Override
    public String toString() {
        return "TopicSubscriber[" + session + "]";
    }
}
