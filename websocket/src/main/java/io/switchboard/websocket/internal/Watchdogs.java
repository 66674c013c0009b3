package io.switchboard.websocket.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The periodic checks of every session (heartbeats, read and write timeouts), run by one task
 * per period on the shared {@link Timer} rather than a scheduled task per session: a session
 * costs one slot of a {@link Members} table here (4 bytes, with the table's free slots about
 * 10; a concurrent set's entry was about 30), not a scheduled task, its adapter and two lambdas. Each check only compares timestamps, so running it at the group's
 * phase rather than the session's own changes no deadline by more than one period, as before.
 * A period's task is cancelled when its last session leaves, so an idle process keeps no timer
 * task (and the timer thread ends). A check that throws is logged and the others still run.
 * Thread-safe.
 */
final class Watchdogs {

    private static final System.Logger LOG = System.getLogger(Watchdogs.class.getName());
    private static final ConcurrentMap<Long, Group> GROUPS = new ConcurrentHashMap<>();

    /** What a group checks: a session's tick, on the timer thread; must not block. */
    interface Watched {
        void tick();
    }

    private Watchdogs() {
    }

    /** Starts running {@code watched.tick()} every {@code period}, until {@link #remove}. */
    static void add(Duration period, Watched watched) {
        GROUPS.computeIfAbsent(period.toNanos(), Group::new).add(watched);
    }

    /** Stops the checks of {@code watched}, added with {@code period}. */
    static void remove(Duration period, Watched watched) {
        Group group = GROUPS.get(period.toNanos());
        if (group != null) {
            group.remove(watched);
        }
    }

    /** The sessions checked with one period, and the timer task that checks them. */
    private static final class Group implements Runnable {
        private final long periodNanos;
        private final Members members = new Members();
        /** Guards the members and starting and cancelling the task as members come and go. */
        private final ReentrantLock lock = new ReentrantLock();
        /** Guarded by lock: the timer task while the group has members; else null. */
        private ScheduledFuture<?> task;

        Group(long periodNanos) {
            this.periodNanos = periodNanos;
        }

        void add(Watched watched) {
            lock.lock();
            try {
                members.add(watched);
                if (task == null) {
                    task = Timer.every(Duration.ofNanos(periodNanos), this);
                }
            } finally {
                lock.unlock();
            }
        }

        void remove(Watched watched) {
            lock.lock();
            try {
                if (members.remove(watched) && members.isEmpty() && task != null) {
                    task.cancel(false);
                    task = null;
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void run() {
            Watched[] slots = members.slots();
            for (int i = 0; i < slots.length; i++) {
                Watched watched = Members.at(slots, i);
                if (watched == null || watched == Members.GONE) {
                    continue;
                }
                try {
                    watched.tick();
                } catch (Throwable e) {
                    try {
                        LOG.log(Level.ERROR, "watchdog of " + watched + " failed; the others go on", e);
                    } catch (Throwable ignored) {
                        // out of memory even for the log line: the other checks matter more
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "watchdogs every " + Duration.ofNanos(periodNanos).toMillis() + " ms";
        }
    }
}
