package io.switchboard.transport.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Connection} over a TCP {@link SocketChannel} that can wait for input without a
 * thread ({@link #whenReadable}). Normally the channel is in blocking mode: reads go through
 * its socket adapter (which has per-read timeouts; a timeout leaves the channel usable) and a
 * virtual thread blocked in them parks in the JDK's poller. While handed to the {@link
 * ReadinessPoller} the channel is non-blocking and registered there; writes from other threads
 * then write what the socket takes and wait for the poller's OP_WRITE for the rest, never
 * spinning.
 *
 * <p>Modes: ACTIVE (blocking, the owner reads) → PARKING (switching to non-blocking) → IDLE
 * (registered with the poller) → RESUMING (deregistered, switching back) → ACTIVE, where the
 * resumed owner runs on a new virtual thread. {@code lock} guards the mode and is never held
 * across I/O, so the poller thread may take it. Thread-safe.
 *
 * <p>The connection is its own {@linkplain #input() input stream}, reading through the socket
 * adapter's stream (which honours the read timeout). That stream is made by the first read and
 * dropped when the connection is handed to the poller, so an idle connection holds neither it
 * nor a wrapper (32 bytes less per idle connection). Closing the stream closes the connection,
 * as closing a socket's stream does.
 */
final class TcpConnection extends InputStream implements Connection {

    private static final System.Logger LOG = System.getLogger(TcpConnection.class.getName());

    static final int ACTIVE = 0;
    static final int PARKING = 1;
    static final int IDLE = 2;
    static final int RESUMING = 3;

    final SocketChannel channel;
    private final Socket adapter;
    /**
     * The adapter's stream, read through by {@link #read}; null until the first read and while
     * handed over. Used by the owner's thread only (one reader at a time; the hand-over to the
     * poller and back goes through {@code lock}).
     */
    private InputStream adapterInput;
    private final OutputStream output = new Output();
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;
    /** Starts the virtual thread that runs a resumed owner. */
    private final ThreadFactory threads;
    private final ConnectionLock lock = new ConnectionLock();
    /** Signalled when the mode returns to ACTIVE, the poller saw OP_WRITE, or the connection closed. */
    private Condition writable;
    /** Guarded by lock: one of ACTIVE, PARKING, IDLE, RESUMING (a byte: the connection is 56 bytes, not 64). */
    private byte mode = ACTIVE;
    /** Guarded by lock: what runs when input arrives; non-null from whenReadable until it runs. */
    private Runnable resume;
    /** Guarded by lock: a writer waits for OP_WRITE. */
    private boolean wantsWrite;
    /** Set once by whenReadable or detach: the listener no longer closes the connection when its handler returns. */
    private volatile boolean handedOver;
    /** The poller's registration; touched by the poller thread only. */
    SelectionKey key;

    TcpConnection(SocketChannel channel, ThreadFactory threads) throws IOException {
        this.channel = channel;
        this.threads = threads;
        this.adapter = channel.socket();
        this.remoteAddress = channel.getRemoteAddress();
        this.localAddress = channel.getLocalAddress();
    }

    @Override
    public InputStream input() {
        return this;
    }

    @Override
    public int read() throws IOException {
        return adapterInput().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return adapterInput().read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return adapterInput().available();
    }

    private InputStream adapterInput() throws IOException {
        InputStream in = adapterInput;
        if (in == null) {
            adapterInput = in = adapter.getInputStream();
        }
        return in;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void readTimeout(Duration timeout) throws IOException {
        adapter.setSoTimeout(Math.toIntExact(Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public boolean canAwaitReadable() {
        return true;
    }

    @Override
    public boolean whenReadable(Runnable then) {
        lock.lock();
        try {
            if (mode != ACTIVE || !channel.isOpen()) {
                return false;
            }
            mode = PARKING; // writers from here on wait instead of retrying a non-blocking write
            resume = then;
            handedOver = true;
            adapterInput = null; // the resumed owner's first read makes a new one
        } finally {
            lock.unlock();
        }
        try {
            channel.configureBlocking(false); // waits for a blocking write in progress to end
        } catch (IOException e) {
            // closed meanwhile: the poller finds it closed and resumes the owner, which sees the end
        }
        lock.lock();
        try {
            if (mode == PARKING) {
                mode = IDLE; // else closed meanwhile and already resuming
            }
        } finally {
            lock.unlock();
        }
        ReadinessPoller.shared().watch(this);
        return true;
    }

    @Override
    public boolean detach() {
        handedOver = true;
        return true;
    }

    /** Whether whenReadable or detach handed the connection over: its handler's return does not close it. */
    boolean handedOver() {
        return handedOver;
    }

    /** The ops the poller should watch, or 0 when it should not watch at all (not IDLE). */
    int interestOps() {
        lock.lock();
        try {
            return mode != IDLE ? 0 : SelectionKey.OP_READ | (wantsWrite ? SelectionKey.OP_WRITE : 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The poller saw input (or the end, or a close): leaves IDLE. Returns whether the caller
     * must deregister the channel and then call {@link #resume()} on a new thread.
     */
    boolean readable() {
        lock.lock();
        try {
            if (resume == null || mode == RESUMING) {
                return false;
            }
            mode = RESUMING;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The poller saw OP_WRITE: wakes the writers waiting for it. */
    void writable() {
        lock.lock();
        try {
            wantsWrite = false;
            if (writable != null) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts the resumed owner on a new virtual thread; the channel must be deregistered. */
    void startResume() {
        try {
            threads.newThread(this::resume).start();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "could not resume " + this + "; closing it", e);
            close();
        }
    }

    private void resume() {
        try {
            if (channel.isOpen()) {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            // closed meanwhile: the owner's next read reports it
        }
        Runnable then;
        lock.lock();
        try {
            then = resume;
            resume = null;
            mode = ACTIVE;
            if (writable != null) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        try {
            then.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "connection handler failed for " + remoteAddress, e);
            close();
        }
    }

    /**
     * A write wrote nothing: the channel is non-blocking (handed over). Waits once until the
     * poller reports OP_WRITE, the connection is ACTIVE again, or it closed.
     */
    private void awaitWritable() throws IOException {
        lock.lock();
        try {
            if (mode == ACTIVE || !channel.isOpen()) {
                return; // blocking again (the caller retries), or closed (the retry throws)
            }
            if (writable == null) {
                writable = lock.newCondition();
            }
            boolean watch = mode == IDLE && !wantsWrite;
            wantsWrite = true;
            if (watch) {
                ReadinessPoller.shared().watch(this);
            }
            writable.awaitUninterruptibly();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
        boolean parked;
        lock.lock();
        try {
            parked = resume != null;
            if (writable != null) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (parked) {
            ReadinessPoller.shared().watch(this); // finds it closed: the owner resumes and ends
        }
    }

    @Override
    public String toString() {
        return "TcpConnection[" + localAddress + " <- " + remoteAddress + "]";
    }

    /** Writes to the channel in either mode; in non-blocking mode waits for the poller rather than spinning. */
    private final class Output extends ChannelOutput {
        @Override
        SocketChannel channel() {
            return channel;
        }

        @Override
        void awaitWritable() throws IOException {
            TcpConnection.this.awaitWritable();
        }
    }
}
