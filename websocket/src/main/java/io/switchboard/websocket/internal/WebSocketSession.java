package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_BINARY;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PING;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_TEXT;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.MessageStream;
import io.switchboard.api.Request;
import io.switchboard.api.WebSocket;
import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one stateful class of the engine: a WebSocket connection after a successful handshake,
 * for either role ({@code isClient} decides masking and who closes TCP first).
 *
 * <p>Close handshake (RFC 6455 §7): the state is two flags, {@code closeSent} and
 * {@code closeReceived}, plus {@code terminated} once the transport is released. Whoever
 * receives a close frame first answers it with the same code. Whoever sends first waits at
 * most the close timeout for the answer. A protocol violation by the peer sends the close
 * frame carrying its status, half-closes the output and drains the input for a bounded time
 * so the frame is not lost to a TCP reset, then releases the transport.
 *
 * <p>Timers (heartbeat pings, missed pongs, read and write timeouts) run as one periodic
 * check per session, run with every other session's by {@link Watchdogs} on the shared {@link
 * Timer}; the check never blocks, and hands
 * anything that writes to a virtual thread.
 *
 * <p>Thread safety: {@link #read()} is serialised by {@code readLock}; frames are written by the
 * {@link SessionWriter} under its locks (java.util.concurrent locks, so virtual threads never
 * pin while blocked in a write). Any thread may send and close.
 */
public final class WebSocketSession implements WebSocket, FrameReader.Callback, Watchdogs.Watched,
        SessionWriter.Owner {

    private static final System.Logger LOG = System.getLogger(WebSocketSession.class.getName());

    /**
     * What {@link #readOrPark} returns when the session gave up its thread; compared by identity,
     * never delivered to a handler.
     */
    public static final Message PARKED = new Message.Binary(new byte[0]);

    /** What {@link #readOrLeave} returns when nothing arrived in time; compared by identity, never delivered. */
    public static final Message LEFT = new Message.Binary(new byte[0]);

    private final Connection connection;
    private final SessionInput input;
    private final boolean isClient;
    private final Request request;
    private final Optional<String> subProtocol;
    private final SessionConfig config;
    /**
     * The decompressor if permessage-deflate was negotiated; else null. Released on termination,
     * with the compressor, which the writer holds (as it holds the outbound budget).
     */
    private final MessageInflater inflater;
    private final FrameReader reader;
    /** Writes every frame: message order, fragments, owed pongs, the write deadline. */
    private final SessionWriter out;
    private final CompactLock readLock = CompactLock.nonfair();
    /** The thread in read() now or last; frames it sends may wait for its next read (see SessionWriter). */
    private volatile Thread reading;
    /** Set once, by terminate(), when the transport is released. */
    private volatile boolean terminated;
    private static final java.lang.invoke.VarHandle TERMINATED;

    static {
        try {
            TERMINATED = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(WebSocketSession.class, "terminated", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** The most bytes read and discarded while waiting for the peer to end its stream after we failed it. */
    static final long LINGER_MAX_BYTES = 4L * 1024 * 1024;
    /** Pings and pongs the peer may still send; null until the first one arrives. Used by the reading thread only. */
    private TokenBucket controlFrames;

    /** Set once, under the writer's frame lock, when our close frame has been written (or was attempted). */
    private volatile boolean closeSent;
    /** Set once, by the reading thread, when the peer's close frame arrived. */
    private volatile boolean closeReceived;
    /** The status and reason we sent or ended the connection with; null until then. */
    private volatile CloseStatus sentStatus;
    private volatile String sentReason;
    /** Whether the peer's close frame arrived before ours went out; set with closeReceived. */
    private volatile boolean peerClosedFirst;
    /** The status and reason the peer sent; null until closeReceived. */
    private volatile CloseStatus receivedStatus;
    private volatile String receivedReason;

    /**
     * Set under readLock when the session handed its wait for input to the transport (no thread
     * reads); cleared under readLock by the resumed reader. Others then must not read.
     */
    private volatile boolean parked;
    /** Pings sent since the last pong. Written by the watchdog and the reader. */
    private volatile int unansweredPings;
    /** System.nanoTime() when the session started; no heartbeat ping was sent before. */
    private final long openedAt = System.nanoTime();
    /** The write in progress at the watchdog's last look (0: none), and since when it saw it. Timer thread only. */
    private long watchedWrite;
    private long watchedSince;
    /** System.nanoTime() of the last heartbeat ping we sent, which it carries as its payload. */
    private volatile long pingSentAt;
    /** The last measured ping → pong time in nanoseconds; -1 before the first pong. */
    private volatile long roundTripNanos = -1;
    /** System.nanoTime() of the next heartbeat ping. */
    private long nextPingAt;
    /** Whether the periodic check runs (in {@link Watchdogs}) until termination. */
    private final boolean watched;
    /** The close timeout left to bound another thread's read; cancelled on termination. */
    private volatile ScheduledFuture<?> closeDeadline;
    private final Runnable onTerminated;
    /**
     * Actions of {@link #whenTerminated}; each is removed by whoever runs it, so it runs once.
     * Created by the first whenTerminated (most sessions never subscribe to a topic); set once.
     */
    private volatile java.util.Queue<Runnable> terminationActions;
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<WebSocketSession, java.util.Queue> TERMINATION_ACTIONS =
            AtomicReferenceFieldUpdater.newUpdater(WebSocketSession.class, java.util.Queue.class, "terminationActions");
    /** Counts traffic for metrics and the access log; set by the server before the session is used. */
    private SessionCounters counters = SessionCounters.NONE;

    /**
     * @param input the connection's input, buffered (a {@link SessionInput}, or a stream read
     *     through one without a buffer of its own); it may already hold bytes read past the
     *     handshake
     * @param onTerminated runs once when the transport has been released
     */
    public WebSocketSession(Connection connection, InputStream input, boolean isClient, Request request,
            Optional<String> subProtocol, SessionConfig config, Runnable onTerminated) {
        this(connection, input, isClient, request, subProtocol, null, config, onTerminated);
    }

    /**
     * @param deflate the permessage-deflate (RFC 7692) parameters negotiated, or null
     */
    public WebSocketSession(Connection connection, InputStream input, boolean isClient, Request request,
            Optional<String> subProtocol, DeflateAgreement deflate, SessionConfig config, Runnable onTerminated) {
        MessageDeflater deflater = deflate == null ? null : deflate.deflater(isClient);
        this.inflater = deflate == null ? null : deflate.inflater(isClient);
        this.connection = connection;
        this.input = input instanceof SessionInput own ? own : new SessionInput(input, null, 0);
        this.isClient = isClient;
        this.request = request;
        this.subProtocol = subProtocol;
        this.config = config;
        this.onTerminated = onTerminated;
        this.reader = new FrameReader(this.input, isClient, config.maxMessageSize(), inflater,
                config.inboundMemory().account(), this);
        if (config.maxStreamedMessageSize() > 0) {
            reader.maxStreamedSize(config.maxStreamedMessageSize());
        }
        this.out = new SessionWriter(this, new FrameWriter(connection.output(), isClient ? new SecureRandom() : null),
                deflater, config);
        this.input.beforeWaiting(out); // flushes held frames
        watched = config.needsWatchdog();
        if (watched) {
            nextPingAt = System.nanoTime() + config.pingInterval().toNanos();
            Watchdogs.add(config.tick(), this);
        }
    }

    @Override
    public Message read() {
        return readSafely(reader::readMessage);
    }

    @Override
    public MessageStream readStream() {
        return readSafely(() -> {
            int opcode = reader.startStreamed();
            return opcode < 0 ? null : new MessageStreams.Incoming(this, opcode == OPCODE_TEXT);
        });
    }

    /**
     * Reads the next bytes of the streamed message: their count, -1 at its end, or null once
     * the connection has ended (a close frame or failure inside the message).
     */
    Integer readStreamed(byte[] b, int offset, int length) {
        return readSafely(() -> reader.readStreamed(b, offset, length));
    }

    /** One step of reading from the peer, returning null once the peer's close frame arrived. */
    private interface ReadStep<T> {
        T read() throws IOException;
    }

    /**
     * Runs {@code step} under readLock and turns its failures into the close handshake: a
     * protocol violation fails the connection with its status, the peer's close frame is
     * answered, a lost connection is released. Returns null in all those cases.
     */
    private <T> T readSafely(ReadStep<T> step) {
        readLock.lock();
        reading = Thread.currentThread();
        try {
            if (parked) {
                throw new IllegalStateException("a MessageHandler's session is read by the server, not by the handler");
            }
            if (closeReceived || terminated) {
                return null;
            }
            T result = step.read();
            if (result == PARKED || result == LEFT) {
                return result;
            }
            if (result != null) {
                if (result instanceof Message || result instanceof MessageStream) {
                    counters.messageIn(); // a whole message, or the start of a streamed one
                }
                return result;
            }
            answerPeerClose();
            return null;
        } catch (ProtocolException e) {
            fail(e.status(), e.getMessage());
            return null;
        } catch (IOException e) {
            if (closeReceived) {
                answerPeerClose(); // it came inside a streamed message
                return null;
            }
            if (!terminated) {
                LOG.log(Level.DEBUG, "{0}: connection lost: {1}", this, e.toString());
            }
            terminate();
            return null;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads the next message for a {@link MessageLoop}, like {@link #read()}; but at a message
     * boundary with nothing buffered, once nothing has arrived for {@code threshold}, gives the
     * input buffer back, hands the wait to the transport ({@code resume} runs on a new thread
     * when bytes arrive) and returns {@link #PARKED}: the calling thread may end.
     */
    public Message readOrPark(Duration threshold, Runnable resume) {
        readLock.lock();
        try {
            parked = false; // resumed: this thread reads now
            return readSafely(() -> {
                if (!input.canPark() || reader.isStreaming()) {
                    return reader.readMessage();
                }
                input.markBoundary(threshold);
                try {
                    return reader.readMessage();
                } catch (SessionInput.IdleTimeout idle) {
                    input.release();
                    out.trim();
                    reader.trim(); // a text message's buffer (up to 64 KiB) would stay for the next one
                    reading = null; // the thread ends: don't keep it reachable
                    parked = true;
                    if (connection.whenReadable(resume)) {
                        return PARKED;
                    }
                    parked = false; // closed meanwhile: the next read says so
                    input.unmark();
                    return reader.readMessage();
                } finally {
                    input.unmark();
                }
            });
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads the next message for a {@link MessageLoop} on an express thread, like {@link #read()};
     * but at a message boundary where nothing arrives for {@code linger}, returns {@link #LEFT}
     * with nothing consumed: the session's burst ended and it goes on on a virtual thread.
     */
    public Message readOrLeave(Duration linger) {
        return readSafely(() -> {
            if (!input.canPark() || reader.isStreaming()) {
                return reader.readMessage();
            }
            input.markBoundary(linger, true);
            try {
                return reader.readMessage();
            } catch (SessionInput.IdleTimeout idle) {
                return LEFT;
            } finally {
                input.unmark();
            }
        });
    }

    /**
     * Whether the session is in a back-to-back exchange (each recent message waited briefly for
     * the peer, none was buffered ahead) and its transport can tell when it ends; read by the
     * thread that reads it.
     */
    boolean inExchange() {
        return input.canPark() && input.inExchange();
    }

    /** Whether the peer's recent messages were each buffered before the previous one was handled. */
    boolean pipelined() {
        return input.pipelined();
    }

    /**
     * Lets the connection outlive the call of the thread serving it now, so the session can go
     * on on another thread ({@link Connection#detach()}); the session's end closes it, as always.
     */
    boolean detach() {
        return connection.detach();
    }

    /** The peer's close frame arrived (onClose ran): answers it unless we started, then ends. */
    private void answerPeerClose() {
        if (!closeSent) {
            CloseStatus echo = receivedStatus.isSendable() ? receivedStatus : null;
            sendClose(echo == null ? -1 : echo.code(), echo == null ? "" : receivedReason, echo);
        }
        finishClosedConnection();
    }

    @Override
    public OutputStream sendStream() {
        out.startStream(); // ended by the stream's close(), through endStreamedSend()
        return new MessageStreams.Outgoing(this, OPCODE_BINARY, config.fragmentSize());
    }

    @Override
    public Writer sendTextStream() {
        out.startStream();
        return new OutputStreamWriter(new MessageStreams.Outgoing(this, OPCODE_TEXT, config.fragmentSize()),
                StandardCharsets.UTF_8);
    }

    /** Writes one fragment of a streamed message (the caller started it); false once closed. */
    boolean sendFragment(int opcode, boolean fin, byte[] payload, int length) {
        return out.fragment(opcode, fin, payload, length);
    }

    /** A streamed send has ended: other sends may go. */
    void endStreamedSend() {
        out.endStream();
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
        checkPing(data);
        return sendFrame(OPCODE_PING, data, 0, data.length);
    }

    /** @throws IllegalArgumentException if {@code status} may not be sent or {@code reason} is too long */
    public static void checkClose(CloseStatus status, String reason) {
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
    }

    /** @throws IllegalArgumentException if {@code data} does not fit a control frame */
    public static void checkPing(byte[] data) {
        if (data.length > WebSocketProtocol.PAYLOAD_CONTROL_MAX) {
            throw new IllegalArgumentException("ping data is " + data.length + " bytes, the limit is 125");
        }
    }

    /**
     * Sends one final frame unless our close frame has gone out. Waits its turn within the
     * outbound budget; the write itself is bounded by the write timeout (the watchdog drops the
     * connection if it lasts longer).
     *
     * @return false if closed, over budget, or the write failed (the connection is then released)
     */
    boolean sendFrame(int opcode, byte[] payload, int offset, int length) {
        if (closeSent || terminated) {
            return false;
        }
        if (WebSocketProtocol.isControl(opcode)) {
            return out.control(opcode, payload, offset, length); // no budget: a pong never waits behind a broadcast
        }
        return reserve(length) && out.message(opcode, payload, offset, length);
    }

    /**
     * Topic delivery: writes {@code frame}, encoded once for every server session (and compressed
     * once for those that deflate), under the same budget, slow-peer policy, lock and write
     * deadline as a send. A client masks each frame with a key of its own, so it encodes the
     * payload itself, as does a session whose compressor keeps its context or has a window the
     * message does not fit (see {@link MessageDeflater#takesSharedFrame}).
     */
    public boolean sendShared(SharedFrame frame) {
        MessageDeflater deflater = out.deflater();
        if (isClient || deflater != null && !deflater.takesSharedFrame(frame.length())) {
            return sendFrame(frame.opcode(), frame.payload(), 0, frame.length());
        }
        byte[] encoded = frame.encoded(deflater != null);
        int length = frame.length();
        return !closeSent && !terminated && reserve(length) && out.encoded(encoded, length);
    }

    /** The outbound budget in bytes: how much a topic may queue for this session. */
    public long outboundBudget() {
        return config.outboundBudget();
    }

    /** Runs {@code action} once when the transport is released, at once if it already was (topics leave). */
    public void whenTerminated(Runnable action) {
        java.util.Queue<Runnable> actions = terminationActions;
        if (actions == null) {
            TERMINATION_ACTIONS.compareAndSet(this, null, new ConcurrentLinkedQueue<Runnable>());
            actions = terminationActions;
        }
        actions.add(action);
        if (terminated && actions.remove(action)) {
            action.run();
        }
    }

    /**
     * Takes {@code length} bytes of the outbound budget, applying the slow-peer policy when they
     * do not fit: close the peer with 1008, or wait up to the write timeout and then drop it.
     */
    private boolean reserve(int length) {
        OutboundBudget budget = out.budget();
        try {
            switch (budget.take(length, config.outboundBudget(), !config.closeSlowPeer(), config.writeTimeout(),
                    () -> closeSent || terminated)) {
                case TAKEN:
                    return true;
                case OVER:
                    long wanted = budget.waitingWith(length);
                    Thread.ofVirtual().start(() -> closeSlowPeer(wanted));
                    return false;
                case TIMED_OUT:
                    abort(CloseStatus.GOING_AWAY, "write timeout: outbound budget full for "
                            + config.writeTimeout().toMillis() + " ms");
                    return false;
                default:
                    return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeSlowPeer(long wanted) {
        incident(CloseStatus.POLICY_VIOLATION, "closing with 1008: " + wanted
                + " bytes would wait to be sent, the budget is " + config.outboundBudget());
        // The writer may be stuck on this very peer: don't queue behind it, drop if it is.
        if (out.tryLockFrame()) {
            try {
                if (!closeSent && !terminated) {
                    sentStatus = CloseStatus.POLICY_VIOLATION; // before closeSent: closeStatus() reads them in this order
                    sentReason = "slow consumer";
                    closeSent = true;
                    out.closeFrame(CloseStatus.POLICY_VIOLATION.code(), "slow consumer");
                }
            } catch (IOException e) {
                terminate();
            } finally {
                out.unlockFrame();
            }
            awaitPeerClose();
        } else {
            abort(CloseStatus.POLICY_VIOLATION, "slow consumer");
        }
    }

    @Override
    public void close(CloseStatus status, String reason) {
        checkClose(status, reason);
        if (!sendClose(status.code(), reason, status)) {
            return;
        }
        if (closeReceived) {
            finishClosedConnection();
        } else {
            awaitPeerClose();
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
        } else if (!terminated) {
            if (closeSent) {
                awaitPeerClose();
            } else {
                terminate();
            }
        }
    }

    /**
     * Writes our close frame once; returns false if one was already sent or the transport is gone.
     * Waits at most the close timeout for a send in progress: one stuck on a peer that stopped
     * reading would hold the close frame back until the write timeout, so the connection is
     * dropped instead.
     */
    private boolean sendClose(int code, String reason, CloseStatus status) {
        if (!out.lockFrameWithin(config.closeTimeout())) {
            LOG.log(Level.DEBUG, "{0}: close frame held back by a blocked send for {1} ms", this,
                    String.valueOf(config.closeTimeout().toMillis()));
            abort(status == null ? CloseStatus.NO_STATUS_RECEIVED : status, reason);
            return false;
        }
        try {
            if (closeSent || terminated) {
                return false;
            }
            sentStatus = status == null ? CloseStatus.NO_STATUS_RECEIVED : status;
            sentReason = reason;
            closeSent = true;
            out.closeFrame(code, reason);
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: close frame not written: {1}", this, e.toString());
            terminate();
            return false;
        } finally {
            out.unlockFrame();
        }
    }

    /**
     * After sending our close frame: reads (and discards) until the peer's close frame, for at
     * most the close timeout. If another thread is blocked in read(), that thread will see the
     * close frame; the deadline releases the transport if it never comes.
     */
    private void awaitPeerClose() {
        ScheduledFuture<?> deadline = Timer.after(config.closeTimeout(), this::terminate);
        boolean locked = readLock.tryLock();
        if (locked && parked) {
            readLock.unlock(); // parked: the resumed reader sees the close frame, as a reading thread would
            locked = false;
        }
        if (!locked) {
            // The reading thread finishes the handshake; the deadline bounds it, and goes when it ends.
            ScheduledFuture<?> earlier = closeDeadline;
            if (earlier != null && !earlier.isDone()) {
                deadline.cancel(false); // the earlier deadline bounds it already
            } else {
                closeDeadline = deadline;
                if (terminated) {
                    deadline.cancel(false);
                }
            }
            return;
        }
        try {
            while (!closeReceived && !terminated) {
                reader.readMessage(); // data after our close frame is discarded (§7.1.2)
            }
            finishClosedConnection();
        } catch (ProtocolException | IOException e) {
            LOG.log(Level.DEBUG, "{0}: no close frame from the peer: {1}", this, e.toString());
            terminate();
        } finally {
            readLock.unlock();
            deadline.cancel(false);
        }
    }

    /**
     * Fails the connection (§7.1.7): sends a close frame with {@code status}, half-closes and
     * drains the input for a bounded time so the peer can read the frame, then releases it.
     */
    private void fail(CloseStatus status, String message) {
        incident(status, "closing with " + status.code() + ": " + message);
        String reason = truncate(message);
        if (sendClose(status.code(), reason, status)) {
            linger();
        }
        terminate();
    }

    /** Drops the connection without a close frame (the output is unusable), recording why. */
    private void abort(CloseStatus status, String why) {
        if (terminated) {
            return;
        }
        incident(status, "dropping the connection: " + why);
        if (sentStatus == null) {
            sentStatus = status;
            sentReason = why;
        }
        closeSent = true;
        terminate();
    }

    /** Once both close frames are exchanged: the server releases TCP now, the client waits for it. */
    private void finishClosedConnection() {
        if (isClient) {
            linger(); // §7.1.1: the server should close the TCP connection first
        }
        terminate();
    }

    /**
     * Half-closes our output and reads until the peer's end of stream, for at most the close
     * timeout and {@link #LINGER_MAX_BYTES}: enough for a peer to finish the frame it was sending
     * and read our close frame, not for one that keeps flooding after it.
     */
    private void linger() {
        ScheduledFuture<?> deadline = Timer.after(config.closeTimeout(), this::terminate);
        try {
            connection.shutdownOutput();
            byte[] sink = new byte[8192];
            long discarded = 0;
            int n;
            while ((n = input.read(sink)) >= 0) {
                discarded += n;
                if (discarded > LINGER_MAX_BYTES) {
                    break; // a peer still flooding us: not worth more of our CPU
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The peer is gone or slow: release the transport regardless.
        } finally {
            deadline.cancel(false);
        }
    }

    /** Releases the transport once; any blocked read or write then fails. */
    public void terminate() {
        if (TERMINATED.compareAndSet(this, false, true)) {
            if (watched) {
                Watchdogs.remove(config.tick(), this);
            }
            ScheduledFuture<?> d = closeDeadline;
            if (d != null) {
                d.cancel(false);
            }
            connection.close();
            reader.release();
            out.budget().wakeAll();
            MessageDeflater deflater = out.deflater();
            if (deflater != null) {
                deflater.release();
                inflater.release();
            }
            onTerminated.run();
            java.util.Queue<Runnable> actions = terminationActions;
            for (Runnable action; actions != null && (action = actions.poll()) != null; ) {
                action.run();
            }
        }
    }

    /** For the writer: whether nothing more may be written (our close frame went out, or the transport is gone). */
    @Override
    public boolean closing() {
        return closeSent || terminated;
    }

    /** For the writer: whether a frame sent now may wait for the reader's next read (more bytes are buffered). */
    @Override
    public boolean mayHold() {
        return Thread.currentThread() == reading && input.available() > 0;
    }

    /** For the writer: a write failed, the transport is unusable. */
    @Override
    public void writeFailed(IOException e) {
        LOG.log(Level.DEBUG, "{0}: write failed: {1}", this, e.toString());
        terminate();
    }

    /** The watchdog, on the shared timer thread: checks deadlines, never blocks. */
    @Override
    public void tick() {
        if (terminated) {
            return;
        }
        long now = System.nanoTime();
        long write = out.writeInProgress();
        if (write != watchedWrite) {
            watchedWrite = write;
            watchedSince = now;
        } else if (write != 0 && now - watchedSince > config.writeTimeout().toNanos()) {
            abort(CloseStatus.GOING_AWAY, "write timeout: a write blocked for more than "
                    + config.writeTimeout().toMillis() + " ms");
            return;
        }
        if (closeSent || closeReceived) {
            return; // closing: the close timeout bounds what is left
        }
        if (!config.readTimeout().isZero() && now - input.lastActivity() > config.readTimeout().toNanos()) {
            Thread.ofVirtual().start(() -> closeFromTimer(CloseStatus.GOING_AWAY, "read timeout"));
            return;
        }
        if (!config.pingInterval().isZero() && now - nextPingAt >= 0) {
            nextPingAt = now + config.pingInterval().toNanos();
            if (config.maxMissedPongs() > 0 && unansweredPings >= config.maxMissedPongs()) {
                Thread.ofVirtual().start(() -> closeFromTimer(CloseStatus.GOING_AWAY, "pong timeout"));
                return;
            }
            unansweredPings++;
            Thread.ofVirtual().start(this::sendHeartbeat);
        }
    }

    private void sendHeartbeat() {
        long now = System.nanoTime();
        pingSentAt = now;
        sendFrame(OPCODE_PING, ByteBuffer.allocate(Long.BYTES).putLong(now).array(), 0, Long.BYTES);
    }

    private void closeFromTimer(CloseStatus status, String reason) {
        incident(status, "closing with " + status.code() + ": " + reason);
        close(status, reason);
    }

    /**
     * Logs a close the peer caused (a violation, a limit, a timeout). On a server it goes to the
     * incident summary and to DEBUG, so a flood of them cannot flood the log; else to INFO.
     */
    private void incident(CloseStatus status, String what) {
        IncidentSummary incidents = config.incidents();
        if (incidents != null) {
            incidents.closed(status.code());
        }
        LOG.log(incidents == null ? Level.INFO : Level.DEBUG, "{0}: {1}", this, what);
    }

    /**
     * Answers from another thread: the reading thread never waits for a write. Waiting behind a
     * send stuck on a peer that is itself blocked writing to us until we read would stall both
     * ends until the write timeout. Every ping gets its own pong, in order (§5.5.2); only when
     * more than {@link SessionWriter#MAX_PENDING_PONGS} wait behind a blocked writer are the
     * oldest dropped (§5.5.3 asks an answer to the most recent ping only).
     */
    @Override
    public void onPing(byte[] payload) {
        input.remarkAfter(controlFrameLength(payload));
        checkControlFrameRate();
        if (!closeSent) {
            out.pong(payload);
        }
    }

    /** The wire length of a control frame from the peer: a 2-byte header, the mask key if masked (§5.2). */
    private int controlFrameLength(byte[] payload) {
        return 2 + (isClient ? 0 : 4) + payload.length;
    }

    /** Fails the session with 1008 when pings and pongs arrive faster than the configured rate. */
    private void checkControlFrameRate() {
        if (config.controlFrameRate() == 0) {
            return;
        }
        if (controlFrames == null) {
            controlFrames = config.controlFrameLimit(); // full now, as it would be by now had it started with the session
        }
        if (!controlFrames.tryTake(System.nanoTime())) {
            throw new ProtocolException(CloseStatus.POLICY_VIOLATION, "pings and pongs arrive faster than "
                    + config.controlFrameRate() + " per second");
        }
    }

    @Override
    public void onPong(byte[] payload) {
        input.remarkAfter(controlFrameLength(payload));
        checkControlFrameRate();
        // Timed from the heartbeat it echoes: a pong slower than the ping interval answers an
        // earlier ping than the last one sent.
        if (payload.length == Long.BYTES && unansweredPings > 0) {
            long sent = ByteBuffer.wrap(payload).getLong();
            if (sent - openedAt >= 0 && pingSentAt - sent >= 0) {
                roundTripNanos = System.nanoTime() - sent;
                counters.roundTrip(roundTripNanos);
            }
        }
        unansweredPings = 0;
    }

    @Override
    public void onClose(int code, String reason) {
        peerClosedFirst = !closeSent;
        receivedStatus = CloseStatus.of(code);
        receivedReason = reason;
        closeReceived = true;
    }

    @Override
    public boolean isOpen() {
        return !closeSent && !closeReceived && !terminated;
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
    public Optional<Duration> roundTripTime() {
        long rtt = roundTripNanos;
        return rtt < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt));
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

    /** Sets the counters this session counts its traffic in; before it is used. */
    public void counters(SessionCounters counters) {
        this.counters = counters;
        input.counters(counters);
        out.counters(counters);
    }

    /** The counters of this session's traffic. */
    public SessionCounters counters() {
        return counters;
    }

    /** The close status we sent or ended the connection with, or null; for the access log. */
    public CloseStatus sentCloseStatus() {
        return sentStatus;
    }

    /** The close status the peer sent, or null; for the access log. */
    public CloseStatus receivedCloseStatus() {
        return receivedStatus;
    }

    /** Whether the peer's close frame came before we sent ours. */
    public boolean peerClosedFirst() {
        return peerClosedFirst;
    }

    /** Whether the transport has been released. */
    public boolean isTerminated() {
        return terminated;
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
