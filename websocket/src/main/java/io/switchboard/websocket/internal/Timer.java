package io.switchboard.websocket.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler shared by every connection of the process: heartbeats, read and write
 * timeouts, handshake and close deadlines. One daemon platform thread runs all of them, so the
 * number of connections never changes the number of threads; it ends while no task is pending.
 * Tasks must be short and must not block; anything that writes to a socket hands over to a
 * virtual thread. A task that throws (anything, {@link OutOfMemoryError} included) is logged
 * and changes nothing else: periodic tasks keep their next runs (a plain
 * {@code scheduleAtFixedRate} would cancel them for good) and other tasks run as planned.
 * Thread-safe.
 */
public final class Timer {

    private static final System.Logger LOG = System.getLogger(Timer.class.getName());
    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private Timer() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "switchboard-timer"); // the single shared timer thread
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // cancelled deadlines leave the queue at once
        // Idle (no task pending), the thread ends and the next task starts a new one: else the
        // thread of every class loader that ever used the timer (each revision of the bundle in a
        // framework, each framework embedded in a process) would outlive it and keep it loaded.
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Runs {@code task} once after {@code delay}. */
    public static ScheduledFuture<?> after(Duration delay, Runnable task) {
        return EXECUTOR.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period}, first after one period. */
    public static ScheduledFuture<?> every(Duration period, Runnable task) {
        return EXECUTOR.scheduleAtFixedRate(guarded(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@code task}, with anything it throws logged and swallowed. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                try {
                    LOG.log(Level.ERROR, "timer task " + task + " failed; it and the other tasks go on", e);
                } catch (Throwable ignored) {
                    // Out of memory even for the log line: going on matters more than reporting.
                }
            }
        };
    }
}
