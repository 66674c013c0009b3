package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.GatheringOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS over any plain {@link Connection} (TCP, a Unix-domain socket, a proxy tunnel): an {@link
 * SSLEngine} between this connection's streams and the plain connection's. {@link #handshake()}
 * runs on the caller's thread before the connection is handed on; after it, one thread may read
 * while others write, as the {@code Connection} contract says.
 *
 * <p>Reads decrypt straight into the caller's array when a whole record fits, else through a
 * buffer of one record; writes go through the {@link RecordWriter}, which sends every record in
 * one write of the plain stream, so a small WebSocket frame costs one system call, as over plain
 * TCP. Closing gives TLS close_notify at most {@link #CLOSE_NOTIFY_WAIT}, then closes the plain
 * connection, which unblocks a blocked read or write: sending close_notify is a write, and it
 * blocks while the peer reads nothing.
 *
 * <p>Thread safety: {@link #readLock} guards the inbound buffers and the plain input stream,
 * the writer's lock the outbound buffer and the plain output stream; the engine itself is
 * thread-safe. A reader that must answer the peer (a TLS 1.3 KeyUpdate, a TLS 1.2 close_notify)
 * does so through the writer, taking its lock for that.
 */
public final class SecureConnection implements Connection {

    /** How long close_notify may take to write before the plain connection is shut or closed regardless. */
    static final Duration CLOSE_NOTIFY_WAIT = Duration.ofMillis(100);
    /** From {@link #unwrapInto}: no whole record is buffered, read more. */
    private static final int NEED_INPUT = -2;

    private final Connection plain;
    private final SSLEngine engine;
    private final InputStream plainIn;
    private final RecordWriter writer;
    private final ReentrantLock readLock = new ReentrantLock();
    /** Bytes read from the peer, not yet decrypted; in read mode (position to limit). Under readLock. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet returned; in read mode. Under readLock. */
    private ByteBuffer appIn = ByteBuffer.allocate(0);
    /** Set once the peer's close_notify or the end of the plain stream was read. Under readLock. */
    private boolean inputDone;
    /** Set by the first close(). */
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    /** TLS over {@code plain} with {@code engine}, whose mode (client or server) is already set. */
    public SecureConnection(Connection plain, SSLEngine engine) {
        this.plain = plain;
        this.engine = engine;
        this.plainIn = plain.input();
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        this.writer = new RecordWriter(plain, engine);
    }

    /** The connection TLS runs over. */
    public Connection plain() {
        return plain;
    }

    /**
     * Runs the TLS handshake on the calling thread. Unbounded by itself: the caller bounds it by
     * closing the plain connection at a deadline (see {@link Handshakes}).
     *
     * @throws SSLException if the handshake fails; the alert for the peer has been sent if it could be
     * @throws IOException if the plain connection fails or ends
     */
    public void handshake() throws IOException {
        readLock.lock();
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                switch (status) {
                    case NEED_WRAP -> status = writer.writePending().getHandshakeStatus();
                    case NEED_TASK -> status = runTasks(engine);
                    default -> status = unwrapHandshake();
                }
            }
        } catch (SSLException e) {
            writer.sendAlert();
            throw e;
        } finally {
            readLock.unlock();
        }
    }

    /** One unwrap during the handshake, reading more from the peer when a record is incomplete. */
    private HandshakeStatus unwrapHandshake() throws IOException {
        appIn.compact();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (!fill()) {
                    throw new SSLHandshakeException("the peer " + plain.remoteAddress()
                            + " closed the connection during the TLS handshake");
                }
            }
            case BUFFER_OVERFLOW -> growAppIn();
            case CLOSED -> throw new SSLHandshakeException("the peer " + plain.remoteAddress()
                    + " closed TLS during the handshake");
            case OK -> {
                return result.getHandshakeStatus();
            }
        }
        return engine.getHandshakeStatus();
    }

    /** Runs the engine's delegated tasks (on the calling thread); returns the handshake status after them. */
    static HandshakeStatus runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    /**
     * Reads from the plain stream into {@link #netIn}, growing it when a record needs more room.
     * Returns false at the end of the stream. Keeps netIn in read mode even when the read fails.
     */
    private boolean fill() throws IOException {
        if (netIn.position() == 0 && netIn.limit() == netIn.capacity()) {
            int size = Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize());
            netIn = ByteBuffer.allocate(size).put(netIn).flip();
        }
        netIn.compact();
        int n;
        try {
            n = plainIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n > 0) {
                netIn.position(netIn.position() + n);
            }
        } finally {
            netIn.flip();
        }
        return n >= 0;
    }

    private void growAppIn() {
        int size = Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize());
        appIn = ByteBuffer.allocate(size).put(appIn).flip();
    }

    /** Decrypts into {@code b}; blocks until at least one byte or the end. Under readLock. */
    private int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (appIn.hasRemaining()) {
                int n = Math.min(len, appIn.remaining());
                appIn.get(b, off, n);
                return n;
            }
            if (inputDone) {
                return -1;
            }
            int n = unwrapInto(ByteBuffer.wrap(b, off, len));
            if (n != NEED_INPUT) {
                if (n != 0) {
                    return n;
                }
                continue; // records consumed without bytes for the caller (a ticket), or bytes went to appIn
            }
            if (!fill()) {
                inputDone = true;
                try {
                    engine.closeInbound();
                } catch (SSLException truncated) {
                    // No close_notify before the end: the end of the stream all the same, as for SSLSocket.
                }
                return -1;
            }
        }
    }

    /**
     * Decrypts the whole records in {@link #netIn} into {@code dst} while it has room, or the
     * first into {@link #appIn} when it does not fit. Returns the bytes put into {@code dst};
     * -1 at close_notify; 0 when records were consumed without bytes for {@code dst} (they went
     * to appIn, or carried a post-handshake message such as a session ticket); {@link
     * #NEED_INPUT} when no whole record is buffered.
     */
    private int unwrapInto(ByteBuffer dst) throws IOException {
        int produced = 0;
        while (true) {
            if (!netIn.hasRemaining()) {
                return produced > 0 ? produced : NEED_INPUT;
            }
            SSLEngineResult result = engine.unwrap(netIn, dst);
            produced += result.bytesProduced();
            afterUnwrap(result.getHandshakeStatus());
            switch (result.getStatus()) {
                case OK -> {
                    if (!dst.hasRemaining()) {
                        return produced;
                    }
                }
                case CLOSED -> {
                    inputDone = true;
                    return produced > 0 ? produced : -1;
                }
                case BUFFER_UNDERFLOW -> {
                    return produced > 0 ? produced : NEED_INPUT;
                }
                case BUFFER_OVERFLOW -> {
                    if (produced > 0) {
                        return produced;
                    }
                    return unwrapIntoAppIn() ? 0 : NEED_INPUT;
                }
            }
        }
    }

    /**
     * Decrypts the next record into {@link #appIn} (empty before). Returns false when the record
     * is not whole yet (the engine reports a full destination before an incomplete record).
     */
    private boolean unwrapIntoAppIn() throws IOException {
        appIn.clear();
        if (appIn.capacity() < engine.getSession().getApplicationBufferSize()) {
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
        afterUnwrap(result.getHandshakeStatus());
        switch (result.getStatus()) {
            case CLOSED -> inputDone = true;
            case BUFFER_UNDERFLOW -> {
                return false;
            }
            case BUFFER_OVERFLOW -> throw new SSLException("a record from " + plain.remoteAddress()
                    + " does not fit the TLS application buffer");
            case OK -> {
                // decrypted
            }
        }
        return true;
    }

    /** Answers what a record read after the handshake asks for: tasks, or a reply (KeyUpdate, close_notify). */
    private void afterUnwrap(HandshakeStatus status) throws IOException {
        while (true) {
            switch (status) {
                case NEED_TASK -> status = runTasks(engine);
                case NEED_WRAP -> {
                    try {
                        status = writer.writePending().getHandshakeStatus();
                    } catch (IOException e) {
                        if (engine.isInboundDone()) {
                            return; // the reply to the peer's close_notify; the peer has gone already
                        }
                        throw e;
                    }
                    if (engine.isOutboundDone()) {
                        return;
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketAddress remoteAddress() {
        return plain.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return plain.localAddress();
    }

    /** The plain connection's read timeout: a read that times out leaves no record half-read. */
    @Override
    public void readTimeout(Duration timeout) throws IOException {
        plain.readTimeout(timeout);
    }

    /**
     * Sends TLS close_notify (given at most {@link #CLOSE_NOTIFY_WAIT}), then shuts the plain
     * connection's output; input stays readable, so the peer's remaining bytes and its own
     * close_notify can still be read (RFC 8446 §6.1).
     */
    @Override
    public void shutdownOutput() throws IOException {
        writer.closeNotify(CLOSE_NOTIFY_WAIT);
        plain.shutdownOutput();
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            writer.closeNotify(CLOSE_NOTIFY_WAIT);
            plain.close();
        }
    }

    @Override
    public String toString() {
        return "SecureConnection[" + plain + "]";
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            readLock.lock();
            try {
                return SecureConnection.this.read(b, off, len);
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public int available() {
            if (!readLock.tryLock()) {
                return 0; // a read is under way
            }
            try {
                return appIn.remaining();
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public void close() {
            SecureConnection.this.close();
        }
    }

    private final class Output extends OutputStream implements GatheringOutput {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len > 0) {
                writer.write(ByteBuffer.wrap(b, off, len));
            }
        }

        /** Both ranges in the same records: a frame's header rides with its payload's first bytes. */
        @Override
        public void write(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset,
                int secondLength) throws IOException {
            writer.write(new ByteBuffer[] {ByteBuffer.wrap(first, firstOffset, firstLength),
                    ByteBuffer.wrap(second, secondOffset, secondLength)});
        }

        @Override
        public void close() {
            SecureConnection.this.close();
        }
    }
}
