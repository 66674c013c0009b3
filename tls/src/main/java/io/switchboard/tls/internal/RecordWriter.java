package io.switchboard.tls.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The sending half of a {@link SecureConnection}: wraps bytes into TLS records with the
 * connection's {@link SSLEngine} and writes every record in one write of the plain output
 * stream, so a small WebSocket frame costs one system call, as over plain TCP. It also sends what
 * the engine has to say by itself: handshake messages, replies to the peer (a TLS 1.3
 * KeyUpdate, a TLS 1.2 close_notify), the alert after a failure, and close_notify.
 *
 * <p>Thread safety: {@link #lock} guards the outbound buffer and the plain output stream; every
 * method takes it (it is reentrant), so writers on several threads, and a reader answering the
 * peer, go one at a time. The engine itself is thread-safe.
 */
final class RecordWriter {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Connection plain;
    private final SSLEngine engine;
    private final OutputStream plainOut;
    private final ReentrantLock lock = new ReentrantLock();
    /** Encrypted bytes being written; in write mode between uses. Under lock. */
    private ByteBuffer netOut;

    /** Writes to {@code plain}'s output what {@code engine} wraps. */
    RecordWriter(Connection plain, SSLEngine engine) {
        this.plain = plain;
        this.engine = engine;
        this.plainOut = plain.output();
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /**
     * Wraps {@code src} (all of it) and writes the records, one plain write per record. Returns
     * the last result.
     */
    SSLEngineResult write(ByteBuffer src) throws IOException {
        return write(new ByteBuffer[] {src});
    }

    /**
     * Wraps {@code srcs} in order (all of them) and writes the records, one plain write per
     * record: bytes from several buffers share a record where they fit. Returns the last result.
     */
    SSLEngineResult write(ByteBuffer[] srcs) throws IOException {
        lock.lock();
        try {
            SSLEngineResult result;
            do {
                netOut.clear();
                result = engine.wrap(srcs, netOut);
                switch (result.getStatus()) {
                    case OK -> writeNetOut();
                    case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2,
                            engine.getSession().getPacketBufferSize()));
                    case CLOSED -> {
                        writeNetOut();
                        if (hasRemaining(srcs)) {
                            throw new SocketException("TLS connection to " + plain.remoteAddress() + " is closed");
                        }
                        return result;
                    }
                    case BUFFER_UNDERFLOW -> throw new SSLException("unexpected underflow wrapping");
                }
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    SecureConnection.runTasks(engine);
                } else if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() == 0
                        && result.bytesProduced() == 0 && hasRemaining(srcs)) {
                    // Only a handshake the peer started again could stall a write; we do not renegotiate.
                    throw new SSLException("cannot write to " + plain.remoteAddress() + " while TLS is handshaking ("
                            + result.getHandshakeStatus() + ")");
                }
            } while (hasRemaining(srcs) || result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW);
            return result;
        } finally {
            lock.unlock();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer src : srcs) {
            if (src.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes what the engine has to send of its own accord (it asked for NEED_WRAP): a handshake
     * message, a reply to the peer, close_notify. Returns the last result.
     */
    SSLEngineResult writePending() throws IOException {
        return write(EMPTY);
    }

    /** Sends what the engine has queued after a failure (its alert), best effort. */
    void sendAlert() {
        lock.lock();
        try {
            for (int i = 0; i < 4; i++) {
                netOut.clear();
                SSLEngineResult result = engine.wrap(EMPTY, netOut);
                if (result.bytesProduced() == 0) {
                    break;
                }
                writeNetOut();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The peer is gone or the engine has nothing more; the connection closes next.
        } finally {
            lock.unlock();
        }
    }

    /**
     * RFC 8446 §6.1: close_notify before the write side closes. Writing it blocks while the
     * peer reads nothing (or while another thread's write is blocked), so it runs on a virtual
     * thread of its own and is waited for at most {@code wait}; the caller's shutdown or close of
     * the plain connection then ends a stuck write.
     */
    void closeNotify(Duration wait) {
        if (engine.isOutboundDone()) {
            return;
        }
        Thread notify = Thread.ofVirtual().start(() -> {
            lock.lock();
            try {
                engine.closeOutbound();
                write(EMPTY);
            } catch (IOException | RuntimeException ignored) {
                // The peer is gone or the connection closed meanwhile; it is shut next either way.
            } finally {
                lock.unlock();
            }
        });
        try {
            notify.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeNetOut() throws IOException {
        netOut.flip();
        if (netOut.hasRemaining()) {
            plainOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
        }
        netOut.clear();
    }
}
