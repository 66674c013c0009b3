package io.switchboard.admin.internal;

import io.switchboard.websocket.ServerMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last minutes of the servers' totals, one point per {@link #sample} call (every few
 * seconds), from which the status page draws its rate charts. Bounded to {@code capacity}
 * points. Thread-safe.
 */
public final class RateHistory {

    /** Totals at one moment: messages and bytes each way, open sessions. */
    public record Point(long timeMillis, long messagesIn, long messagesOut, long bytesIn, long bytesOut, long sessions) {
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: the oldest first. */
    private final ArrayDeque<Point> points = new ArrayDeque<>();

    public RateHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Records the totals of {@code servers} now. */
    public void sample(List<ServerMetrics> servers, long nowMillis) {
        long mi = 0;
        long mo = 0;
        long bi = 0;
        long bo = 0;
        long open = 0;
        for (ServerMetrics server : servers) {
            for (ServerMetrics.PathTotals p : server.paths()) {
                mi += p.messagesIn();
                mo += p.messagesOut();
                bi += p.bytesIn();
                bo += p.bytesOut();
                open += p.openSessions();
            }
        }
        lock.lock();
        try {
            points.addLast(new Point(nowMillis, mi, mo, bi, bo, open));
            if (points.size() > capacity) {
                points.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The points, oldest first. */
    public List<Point> points() {
        lock.lock();
        try {
            return new ArrayList<>(points);
        } finally {
            lock.unlock();
        }
    }
}
