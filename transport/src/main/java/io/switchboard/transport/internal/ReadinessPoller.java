package io.switchboard.transport.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits for input on idle connections, all of them on one {@link Selector} and one daemon
 * platform thread, so an idle connection holds no thread of its own. A connection handed over
 * ({@link TcpConnection#whenReadable}) is registered for OP_READ (and OP_WRITE while a writer
 * waits); when input, the end of the stream or a reset arrives, its key is cancelled and
 * deregistered (a {@code selectNow()} on this thread, so the channel can go back to blocking
 * mode) and its owner resumes on a new virtual thread. A connection closed while idle resumes
 * the same way and finds itself closed.
 *
 * <p>Other threads only queue requests ({@link #watch}) and wake the selector; every
 * registration, interest change and cancellation happens on the poller thread. The thread
 * starts with the first request and ends after a second with nothing registered, so no thread
 * outlives its use (a bundle update leaves none behind). Thread-safe.
 */
final class ReadinessPoller {

    private static final System.Logger LOG = System.getLogger(ReadinessPoller.class.getName());
    private static final ReadinessPoller SHARED = new ReadinessPoller();
    /** How long the thread waits with nothing registered before it ends. */
    private static final long LINGER_MILLIS = 1000;

    /** Connections whose registration or interest must be brought up to date by the poller thread. */
    private final ConcurrentLinkedQueue<TcpConnection> requests = new ConcurrentLinkedQueue<>();
    /** Guards starting and ending the thread; the selector lives as long as the thread. */
    private final ReentrantLock lifecycle = new ReentrantLock();
    /** Guarded by lifecycle: null while no thread runs. */
    private Selector selector;

    static ReadinessPoller shared() {
        return SHARED;
    }

    /** Asks the poller thread to look at {@code connection}'s mode: watch it, change its interest, or resume it if closed. */
    void watch(TcpConnection connection) {
        requests.add(connection);
        lifecycle.lock();
        try {
            if (selector == null) {
                try {
                    selector = Selector.open();
                } catch (IOException e) {
                    LOG.log(Level.ERROR, "cannot open the readiness selector; resuming idle connections at once", e);
                    runQueuedWithoutSelector();
                    return;
                }
                Thread thread = new Thread(() -> run(selector), "switchboard-readiness");
                thread.setDaemon(true);
                thread.start();
            } else {
                selector.wakeup();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Without a selector, nothing can wait: every queued connection resumes and reads (blocking). */
    private void runQueuedWithoutSelector() {
        for (TcpConnection c; (c = requests.poll()) != null; ) {
            if (c.readable()) {
                c.startResume();
            }
        }
    }

    private void run(Selector sel) {
        List<TcpConnection> resumed = new ArrayList<>();
        try {
            while (true) {
                int selectedCount = sel.select(LINGER_MILLIS);
                boolean quiet = selectedCount == 0 && requests.isEmpty();
                for (TcpConnection c; (c = requests.poll()) != null; ) {
                    update(sel, c, resumed);
                }
                Iterator<SelectionKey> selected = sel.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    TcpConnection c = (TcpConnection) key.attachment();
                    int ready;
                    try {
                        ready = key.readyOps();
                    } catch (CancelledKeyException e) {
                        ready = SelectionKey.OP_READ; // closed meanwhile: resume it
                    }
                    if ((ready & SelectionKey.OP_WRITE) != 0) {
                        c.writable();
                    }
                    if ((ready & SelectionKey.OP_READ) != 0) {
                        if (c.readable()) {
                            key.cancel();
                            c.key = null;
                            resumed.add(c);
                        }
                    } else {
                        interest(key, c.interestOps());
                    }
                }
                if (!resumed.isEmpty()) {
                    sel.selectNow(); // completes the deregistrations, so the channels may block again
                    for (TcpConnection c : resumed) {
                        c.startResume();
                    }
                    resumed.clear();
                }
                if (quiet && sel.keys().isEmpty() && end(sel)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "readiness poller failed; resuming every idle connection", e);
            lifecycle.lock();
            try {
                selector = null;
                for (SelectionKey key : sel.keys()) {
                    TcpConnection c = (TcpConnection) key.attachment();
                    key.cancel();
                    c.key = null;
                    if (c.readable()) {
                        resumed.add(c);
                    }
                }
                closeQuietly(sel); // deregisters every channel: they may block again
                for (TcpConnection c : resumed) {
                    c.startResume(); // reads blocking; it may go idle again through a new selector
                }
                runQueuedWithoutSelector();
            } finally {
                lifecycle.unlock();
            }
        }
    }

    /** Brings one connection's registration in line with its mode. */
    private static void update(Selector sel, TcpConnection c, List<TcpConnection> resumed) {
        if (!c.channel.isOpen()) {
            if (c.key != null) {
                c.key.cancel();
                c.key = null;
            }
            if (c.readable()) {
                resumed.add(c); // the owner resumes, reads, and finds the connection closed
            }
            return;
        }
        int ops = c.interestOps();
        if (ops == 0) {
            return; // not idle (any more): nothing to watch
        }
        if (c.key == null) {
            try {
                c.key = c.channel.register(sel, ops, c);
            } catch (ClosedChannelException | CancelledKeyException e) {
                if (c.readable()) {
                    resumed.add(c);
                }
            }
        } else {
            interest(c.key, ops);
        }
    }

    private static void interest(SelectionKey key, int ops) {
        try {
            if (ops != 0 && key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (CancelledKeyException e) {
            // closed: the close queued the connection again, and it resumes from there
        }
    }

    /** Ends the thread unless a request came in meanwhile; returns whether it ended. */
    private boolean end(Selector sel) {
        lifecycle.lock();
        try {
            if (!requests.isEmpty() || !sel.keys().isEmpty()) {
                return false;
            }
            selector = null;
            closeQuietly(sel);
            return true;
        } finally {
            lifecycle.unlock();
        }
    }

    private static void closeQuietly(Selector sel) {
        try {
            sel.close();
        } catch (IOException ignored) {
            // nothing registered any more
        }
    }
}
