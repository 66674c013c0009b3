package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_BINARY;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PING;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PONG;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_TEXT;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one stateful class of the engine: a WebSocket connection after a successful handshake,
 * for either role ({@code isClient} decides masking and who closes TCP first).
 *
 * <p>Close handshake (RFC 6455 §7): the state is two flags, {@code closeSent} and
 * {@code closeReceived}, plus {@code terminated} once the transport is released. Whoever
 * receives a close frame first answers it with the same code. Whoever sends first waits at
 * most {@code closeTimeout} for the answer. A protocol violation by the peer sends the close
 * frame carrying its status, half-closes the output and drains the input briefly so the frame
 * is not lost to a TCP reset, then releases the transport.
 *
 * <p>Thread safety: {@link #read()} is serialised by {@code readLock}; frames are written under
 * {@code writeLock} (a {@link ReentrantLock}, so virtual threads never pin while blocked in a
 * write). Any thread may send and close.
 */
public final class WebSocketSession implements WebSocket, FrameReader.Callback {

    private static final System.Logger LOG = System.getLogger(WebSocketSession.class.getName());

    private final Connection connection;
    private final InputStream input;
    private final boolean isClient;
    private final Request request;
    private final Optional<String> subProtocol;
    private final Duration closeTimeout;
    private final Runnable onTerminated;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean terminated = new AtomicBoolean();

    /** Set once, under writeLock, when our close frame has been written (or was attempted). */
    private volatile boolean closeSent;
    /** Set once, by the reading thread, when the peer's close frame arrived. */
    private volatile boolean closeReceived;
    /** The status and reason we sent; null until closeSent. */
    private volatile CloseStatus sentStatus;
    private volatile String sentReason;
    /** The status and reason the peer sent; null until closeReceived. */
    private volatile CloseStatus receivedStatus;
    private volatile String receivedReason;

    /**
     * @param input the connection's input, buffered; it may already hold bytes read past the
     *     handshake
     * @param onTerminated runs once when the transport has been released
     */
    public WebSocketSession(Connection connection, InputStream input, boolean isClient, Request request,
            Optional<String> subProtocol, long maxMessageSize, Duration closeTimeout, Runnable onTerminated) {
        this.connection = connection;
        this.input = input;
        this.isClient = isClient;
        this.request = request;
        this.subProtocol = subProtocol;
        this.closeTimeout = closeTimeout;
        this.onTerminated = onTerminated;
        this.reader = new FrameReader(input, isClient, maxMessageSize, this);
        this.writer = new FrameWriter(connection.output(), isClient ? new SecureRandom() : null);
    }

    @Override
    public Message read() {
        readLock.lock();
        try {
            if (closeReceived || terminated.get()) {
                return null;
            }
            Message message = reader.readMessage();
            if (message != null) {
                return message;
            }
            // The peer's close frame arrived (onClose ran): answer it unless we started.
            if (!closeSent) {
                CloseStatus echo = receivedStatus.isSendable() ? receivedStatus : null;
                sendClose(echo == null ? -1 : echo.code(), echo == null ? "" : receivedReason, echo);
            }
            finishClosedConnection();
            return null;
        } catch (ProtocolException e) {
            fail(e.status(), e.getMessage());
            return null;
        } catch (IOException e) {
            if (!terminated.get()) {
                LOG.log(Level.DEBUG, "{0}: connection lost: {1}", this, e.toString());
            }
            terminate();
            return null;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public boolean send(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return sendFrame(OPCODE_TEXT, bytes, 0, bytes.length);
    }

    @Override
    public boolean send(byte[] bytes) {
        return sendFrame(OPCODE_BINARY, bytes, 0, bytes.length);
    }

    @Override
    public boolean send(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            return sendFrame(OPCODE_BINARY, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return sendFrame(OPCODE_BINARY, copy, 0, copy.length);
    }

    @Override
    public boolean ping(byte[] data) {
        if (data.length > WebSocketProtocol.PAYLOAD_CONTROL_MAX) {
            throw new IllegalArgumentException("ping data is " + data.length + " bytes, the limit is 125");
        }
        return sendFrame(OPCODE_PING, data, 0, data.length);
    }

    /**
     * Sends one final frame unless our close frame has gone out.
     *
     * @return false if closed or the write failed (the connection is then released)
     */
    boolean sendFrame(int opcode, byte[] payload, int offset, int length) {
        writeLock.lock();
        try {
            if (closeSent || terminated.get()) {
                return false;
            }
            writer.writeFrame(opcode, true, payload, offset, length);
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: write failed: {1}", this, e.toString());
            terminate();
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close(CloseStatus status, String reason) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if (!status.isSendable()) {
            throw new IllegalArgumentException("close status " + status + " must not be sent");
        }
        int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (reasonBytes > WebSocketProtocol.CLOSE_REASON_MAX) {
            throw new IllegalArgumentException("close reason is " + reasonBytes
                    + " bytes of UTF-8, the limit is " + WebSocketProtocol.CLOSE_REASON_MAX);
        }
        if (!sendClose(status.code(), reason, status)) {
            return;
        }
        if (closeReceived) {
            finishClosedConnection();
        } else {
            awaitPeerClose();
        }
    }

    /** Writes our close frame once; returns false if one was already sent or the transport is gone. */
    private boolean sendClose(int code, String reason, CloseStatus status) {
        writeLock.lock();
        try {
            if (closeSent || terminated.get()) {
                return false;
            }
            closeSent = true;
            sentStatus = status == null ? CloseStatus.NO_STATUS_RECEIVED : status;
            sentReason = reason;
            writer.writeClose(code, reason);
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: close frame not written: {1}", this, e.toString());
            terminate();
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * After sending our close frame: reads (and discards) until the peer's close frame, for at
     * most closeTimeout. If another thread is blocked in read(), that thread will see the close
     * frame; a timer releases the transport if it never comes.
     */
    private void awaitPeerClose() {
        if (!readLock.tryLock()) {
            CompletableFuture.delayedExecutor(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(this::terminate);
            return;
        }
        try {
            connection.readTimeout(closeTimeout);
            while (!closeReceived && !terminated.get()) {
                reader.readMessage(); // data after our close frame is discarded (§7.1.2)
            }
            finishClosedConnection();
        } catch (ProtocolException | IOException e) {
            LOG.log(Level.DEBUG, "{0}: no close frame from the peer: {1}", this, e.toString());
            terminate();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Fails the connection (§7.1.7): sends a close frame with {@code status}, half-closes and
     * drains the input for a bounded time so the peer can read the frame, then releases it.
     */
    private void fail(CloseStatus status, String message) {
        LOG.log(Level.INFO, "{0}: closing with {1}: {2}", this, status.code(), message);
        String reason = truncate(message);
        if (sendClose(status.code(), reason, status)) {
            linger();
        }
        terminate();
    }

    /** Once both close frames are exchanged: the server releases TCP now, the client waits for it. */
    private void finishClosedConnection() {
        if (isClient) {
            linger(); // §7.1.1: the server should close the TCP connection first
        }
        terminate();
    }

    /** Half-closes our output and reads until the peer's end of stream, for at most closeTimeout. */
    private void linger() {
        try {
            connection.shutdownOutput();
            connection.readTimeout(closeTimeout);
            byte[] sink = new byte[1024];
            while (input.read(sink) >= 0) {
                // discard
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The peer is gone or slow: release the transport regardless.
        }
    }

    /**
     * Called when the owner is done with the connection (the server's handler returned): closes
     * it with 1000 if still open, or completes a close handshake in progress, within the
     * close timeout.
     */
    public void finish() {
        if (isOpen()) {
            close(CloseStatus.NORMAL, "");
        } else if (!terminated.get()) {
            if (closeSent) {
                awaitPeerClose();
            } else {
                terminate();
            }
        }
    }

    /** Releases the transport once; any blocked read or write then fails. */
    void terminate() {
        if (terminated.compareAndSet(false, true)) {
            connection.close();
            onTerminated.run();
        }
    }

    @Override
    public void onPing(byte[] payload) {
        if (!closeSent) {
            sendFrame(OPCODE_PONG, payload, 0, payload.length);
        }
    }

    @Override
    public void onPong(byte[] payload) {
        // Unsolicited or answering our ping: nothing to do until heartbeats measure round trips.
    }

    @Override
    public void onClose(int code, String reason) {
        receivedStatus = CloseStatus.of(code);
        receivedReason = reason;
        closeReceived = true;
    }

    @Override
    public boolean isOpen() {
        return !closeSent && !closeReceived && !terminated.get();
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Optional<String> subProtocol() {
        return subProtocol;
    }

    @Override
    public Optional<CloseStatus> closeStatus() {
        if (isOpen()) {
            return Optional.empty();
        }
        CloseStatus received = receivedStatus;
        if (received != null) {
            return Optional.of(received);
        }
        CloseStatus sent = sentStatus;
        return Optional.of(sent != null ? sent : CloseStatus.ABNORMAL_CLOSURE);
    }

    @Override
    public Optional<String> closeReason() {
        if (isOpen()) {
            return Optional.empty();
        }
        String reason = receivedStatus != null ? receivedReason : sentReason;
        return reason == null || reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }

    /** Whether the transport has been released. */
    public boolean isTerminated() {
        return terminated.get();
    }

    /** Cuts {@code message} to what fits a close frame's reason, on a character boundary. */
    static String truncate(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= WebSocketProtocol.CLOSE_REASON_MAX) {
            return message;
        }
        int end = WebSocketProtocol.CLOSE_REASON_MAX;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut inside a UTF-8 sequence
        }
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return (isClient ? "client " : "session ") + connection.remoteAddress() + request.path();
    }
}
