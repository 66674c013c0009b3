package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.spi.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bookkeeping of one server's connections, from accept to the end of their session: the
 * connections still handshaking, the sessions open, the threads serving them, and the counts
 * behind the session limit, the descriptor reserve and the leak checks of tests. Stopping the
 * server drops the handshakes and closes the sessions through it ({@link #dropHandshakes},
 * {@link #closeSessions}).
 *
 * <p>Thread-safe: every connection's thread registers and unregisters itself; the server's
 * lifecycle lock serializes {@link #stopping(boolean)} and the stop methods.
 */
public final class ServerConnections {

    private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();
    /** Signalled when the last session ended; stop waits for it (parked sessions have no thread to join). */
    private final ReentrantLock sessionsLock = new ReentrantLock();
    private final Condition sessionsGone = sessionsLock.newCondition();
    /** Threads serving connections now: handshakes, blocking handlers, callback sessions not parked. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** Connections open, from accept to the end of their session (parked ones too). */
    private final AtomicInteger open = new AtomicInteger();
    /** Connections whose upgrade request is still being read or answered; stop drops them. */
    private final Set<Connection> handshaking = ConcurrentHashMap.newKeySet();
    /** Open sessions plus upgrades in progress, for the maxSessions limit. */
    private final AtomicInteger admitted = new AtomicInteger();
    /** True from the start of stop until the next start; new sessions are closed at once. */
    private volatile boolean stopping;

    /** Set when the server starts stopping, cleared when it starts. */
    public void stopping(boolean stopping) {
        this.stopping = stopping;
    }

    /** Whether the server is stopping: new handshakes and sessions are refused or closed at once. */
    public boolean isStopping() {
        return stopping;
    }

    /**
     * The threads serving connections now; a connection's thread adds and removes itself, and so
     * does a {@link MessageLoop} for each thread its session moves to. The live set.
     */
    public Set<Thread> threads() {
        return threads;
    }

    /** A connection was accepted. */
    public void opened() {
        open.incrementAndGet();
    }

    /** A connection opened with {@link #opened()} ended. */
    public void closed() {
        open.decrementAndGet();
    }

    /** Connections open, parked sessions included. */
    public int openConnections() {
        return open.get();
    }

    /** {@code connection} is reading or answering its upgrade request: stop drops it. */
    public void handshaking(Connection connection) {
        handshaking.add(connection);
    }

    /** {@code connection} has been answered, upgraded or not. Idempotent. */
    public void handshakeOver(Connection connection) {
        handshaking.remove(connection);
    }

    /**
     * Counts one more admitted session (an upgrade in progress or a session open), unless {@code
     * max} are counted already; {@code max} 0 or less is no limit. Returns whether it counted it:
     * each count is given back with {@link #release()}.
     */
    public boolean admit(int max) {
        if (max > 0 && admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return false;
        }
        if (max <= 0) {
            admitted.incrementAndGet();
        }
        return true;
    }

    /** Gives back one count of {@link #admit}. */
    public void release() {
        admitted.decrementAndGet();
    }

    /** A session began (its 101 was sent). */
    public void add(WebSocketSession session) {
        sessions.add(session);
    }

    /** A session ended; the last one wakes a stop waiting for them. */
    public void remove(WebSocketSession session) {
        sessions.remove(session);
        if (sessions.isEmpty()) {
            sessionsLock.lock();
            try {
                sessionsGone.signalAll();
            } finally {
                sessionsLock.unlock();
            }
        }
    }

    /** The sessions open now (a live view). */
    public Collection<WebSocketSession> sessions() {
        return sessions;
    }

    /** The number of open sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Closes the connections still handshaking: not sessions yet, they have nothing to close gracefully. */
    public void dropHandshakes() {
        handshaking.forEach(Connection::close);
    }

    /**
     * Closes every live session with 1001 (going away), each on a virtual thread of its own; waits
     * up to {@code closeTimeout} plus a second for the connection threads to end and then for the
     * sessions without a thread (parked) to finish their close handshakes; then drops the
     * sessions still open. If the caller is interrupted, it stops waiting and keeps its interrupt
     * status set.
     */
    public void closeSessions(Duration closeTimeout) {
        for (WebSocketSession session : sessions) {
            Thread.ofVirtual().start(() -> session.close(CloseStatus.GOING_AWAY, "server stopping"));
        }
        long deadline = System.nanoTime() + closeTimeout.plusSeconds(1).toNanos();
        try {
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break;
                }
            }
            awaitNoSessions(deadline); // parked sessions have no thread: wait for their close handshakes
            for (WebSocketSession session : sessions) {
                session.terminate(); // its close frame could not go out in time (e.g. stuck behind a blocked send)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting for the sessions, not stopping
        }
    }

    /** Waits until no session is left, or {@code deadline} (System.nanoTime()) passed. */
    private void awaitNoSessions(long deadline) throws InterruptedException {
        sessionsLock.lock();
        try {
            long left;
            while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                sessionsGone.awaitNanos(left);
            }
        } finally {
            sessionsLock.unlock();
        }
    }
}
