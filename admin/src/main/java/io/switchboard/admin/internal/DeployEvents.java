package io.switchboard.admin.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Deploy events the launcher reports (installed, updated, removed, failed, rolled back): counted
 * by kind for the metrics, and the last {@value #KEPT} kept for the status page. The launcher
 * reaches this bundle through a {@code Consumer<Map<String, Object>>} service (java.* types only,
 * so no class of ours has to cross the framework boundary): keys {@code kind} and {@code message}.
 * Thread-safe.
 */
public final class DeployEvents implements Consumer<Map<String, Object>> {

    /** Events kept for the status page. */
    static final int KEPT = 50;

    /** One event. */
    public record Event(Instant time, String kind, String message) {
    }

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: the newest last. */
    private final ArrayDeque<Event> recent = new ArrayDeque<>();

    @Override
    public void accept(Map<String, Object> event) {
        record(String.valueOf(event.getOrDefault("kind", "other")), String.valueOf(event.getOrDefault("message", "")));
    }

    /** Records one event of {@code kind}. */
    public void record(String kind, String message) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        lock.lock();
        try {
            recent.addLast(new Event(Instant.now(), kind, message));
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Events by kind so far. */
    public Map<String, Long> counts() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** The kept events, newest first. */
    public List<Event> recent() {
        lock.lock();
        try {
            List<Event> copy = new ArrayList<>(recent);
            java.util.Collections.reverse(copy);
            return copy;
        } finally {
            lock.unlock();
        }
    }
}
