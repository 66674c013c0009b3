package io.switchboard.tls.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;

/**
 * Runs a TLS handshake on the calling thread, bounded in total by a deadline: each read waits
 * at most the timeout, and one shared scheduler thread closes the socket when the whole
 * handshake outlives it (so a peer dripping bytes cannot hold a connection). Thread-safe.
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

    private Handshakes() {
    }

    /**
     * Completes the handshake of {@code socket}, layered over {@code tcp}, within {@code
     * timeout}, then clears the read timeout.
     *
     * @throws SocketTimeoutException if the handshake did not finish in time
     * @throws IOException if it failed, e.g. {@link javax.net.ssl.SSLHandshakeException}
     */
    static void complete(SSLSocket socket, Socket tcp, Duration timeout) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = Scheduler.INSTANCE.schedule(() -> {
            expired.set(true);
            try {
                tcp.close();
            } catch (IOException ignored) {
                // Closing is all the deadline can do.
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            socket.setSoTimeout(Math.toIntExact(Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE))));
            socket.startHandshake();
            socket.setSoTimeout(0);
        } catch (SocketTimeoutException e) {
            throw timedOut(socket, timeout);
        } catch (IOException e) {
            if (expired.get()) {
                throw timedOut(socket, timeout);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    private static SocketTimeoutException timedOut(SSLSocket socket, Duration timeout) {
        return new SocketTimeoutException("TLS handshake with " + socket.getRemoteSocketAddress()
                + " did not complete within " + timeout.toMillis() + " ms");
    }
}
