package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds in total the time a connection may spend before it is handed on (a TLS handshake, the
 * discarding of a failed one): one shared scheduler thread closes the plain connection when the
 * deadline passes, which ends any blocked read or write on it, whatever the transport (TCP,
 * Unix-domain sockets, which have no read timeout). A peer that sends nothing, or drips bytes,
 * holds a connection no longer than the timeout. Thread-safe.
 */
final class Handshakes {

    /** One platform thread for the deadlines of all handshakes in the JVM, while any is pending. */
    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("switchboard-tls-deadlines").factory());
            executor.setRemoveOnCancelPolicy(true);
            // Idle, the thread ends (the next deadline starts another): else each class loader
            // that ever ran a handshake, such as every revision of the bundle, would keep one.
            executor.setKeepAliveTime(1, TimeUnit.SECONDS);
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }

    /** Something done on a connection under a deadline. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    private Handshakes() {
    }

    /** Completes the handshake of {@code connection} within {@code timeout}. */
    static void complete(SecureConnection connection, Duration timeout) throws IOException {
        within(connection.plain(), timeout, connection::handshake);
    }

    /**
     * Runs {@code step} on the calling thread; if it has not ended within {@code timeout}, closes
     * {@code plain}, which makes it fail.
     *
     * @throws SocketTimeoutException if the deadline passed (the connection is then closed)
     * @throws IOException as the step failed
     */
    static void within(Connection plain, Duration timeout, Step step) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = Scheduler.INSTANCE.schedule(() -> {
            expired.set(true);
            plain.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            if (expired.get()) {
                throw timedOut(plain, timeout, e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
        if (expired.get()) { // the deadline closed the connection just as the step ended
            throw timedOut(plain, timeout, null);
        }
    }

    private static SocketTimeoutException timedOut(Connection plain, Duration timeout, Exception cause) {
        SocketTimeoutException e = new SocketTimeoutException("TLS handshake with " + plain.remoteAddress()
                + " did not complete within " + timeout.toMillis() + " ms");
        e.initCause(cause);
        return e;
    }
}
