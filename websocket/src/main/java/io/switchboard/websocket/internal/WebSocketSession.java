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
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one stateful class of the engine: a WebSocket connection after a successful handshake,
 * for either role ({@code isClient} decides masking and who closes TCP first). It holds the
 * session's state and coordinates; its procedures live in static classes beside it that work on
 * that state, so a session stays one object: {@link SessionReads} (a read under the read lock,
 * read-or-park), {@link SessionSends} (the outbound budget and slow-peer policy),
 * {@link CloseHandshake} and {@link SessionWatchdog} (timers, heartbeat, ping/pong accounting).
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

    static final System.Logger LOG = System.getLogger(WebSocketSession.class.getName());

    /**
     * What {@link #readOrPark} returns when the session gave up its thread; compared by identity,
     * never delivered to a handler.
     */
    public static final Message PARKED = new Message.Binary(new byte[0]);

    /** What {@link #readOrLeave} returns when nothing arrived in time; compared by identity, never delivered. */
    public static final Message LEFT = new Message.Binary(new byte[0]);

    // The fields are package-private for the classes that hold the session's procedures:
    // CloseHandshake, SessionReads, SessionWatchdog, SessionSends. Those are static, so a
    // session stays one object; every invariant below holds for them as for this class.
    final Connection connection;
    final SessionInput input;
    final boolean isClient;
    private final Request request;
    private final Optional<String> subProtocol;
    final SessionConfig config;
    /**
     * The decompressor if permessage-deflate was negotiated; else null. Released on termination,
     * with the compressor, which the writer holds (as it holds the outbound budget).
     */
    private final MessageInflater inflater;
    final FrameReader reader;
    /** Writes every frame: message order, fragments, owed pongs, the write deadline. */
    final SessionWriter out;
    final CompactLock readLock = CompactLock.nonfair();
    /** The thread in read() now or last; frames it sends may wait for its next read (see SessionWriter). */
    volatile Thread reading;
    /** Set once, by terminate(), when the transport is released. */
    volatile boolean terminated;
    private static final java.lang.invoke.VarHandle TERMINATED;

    static {
        try {
            TERMINATED = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(WebSocketSession.class, "terminated", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Pings and pongs the peer may still send; null until the first one arrives. Used by the reading thread only. */
    TokenBucket controlFrames;

    /** Set once, under the writer's frame lock, when our close frame has been written (or was attempted). */
    volatile boolean closeSent;
    /** Set once, by the reading thread, when the peer's close frame arrived. */
    volatile boolean closeReceived;
    /** The status and reason we sent or ended the connection with; null until then. */
    volatile CloseStatus sentStatus;
    volatile String sentReason;
    /** Whether the peer's close frame arrived before ours went out; set with closeReceived. */
    private volatile boolean peerClosedFirst;
    /** The status and reason the peer sent; null until closeReceived. */
    volatile CloseStatus receivedStatus;
    volatile String receivedReason;

    /**
     * Set under readLock when the session handed its wait for input to the transport (no thread
     * reads); cleared under readLock by the resumed reader. Others then must not read.
     */
    volatile boolean parked;
    /** Pings sent since the last pong. Written by the watchdog and the reader. */
    volatile int unansweredPings;
    /** System.nanoTime() when the session started; no heartbeat ping was sent before. */
    final long openedAt = System.nanoTime();
    /** The write in progress at the watchdog's last look (0: none), and since when it saw it. Timer thread only. */
    long watchedWrite;
    long watchedSince;
    /** System.nanoTime() of the last heartbeat ping we sent, which it carries as its payload. */
    volatile long pingSentAt;
    /** The last measured ping → pong time in nanoseconds; -1 before the first pong. */
    volatile long roundTripNanos = -1;
    /** System.nanoTime() of the next heartbeat ping. */
    long nextPingAt;
    /** Whether the periodic check runs (in {@link Watchdogs}) until termination. */
    private final boolean watched;
    /** The close timeout left to bound another thread's read; cancelled on termination. */
    volatile ScheduledFuture<?> closeDeadline;
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
    SessionCounters counters = SessionCounters.NONE;

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
        return SessionReads.readSafely(this, reader::readMessage);
    }

    @Override
    public MessageStream readStream() {
        return SessionReads.readSafely(this, () -> {
            int opcode = reader.startStreamed();
            return opcode < 0 ? null : new MessageStreams.Incoming(this, opcode == OPCODE_TEXT);
        });
    }

    /**
     * Reads the next bytes of the streamed message: their count, -1 at its end, or null once
     * the connection has ended (a close frame or failure inside the message).
     */
    Integer readStreamed(byte[] b, int offset, int length) {
        return SessionReads.readSafely(this, () -> reader.readStreamed(b, offset, length));
    }

    /**
     * Reads the next message for a {@link MessageLoop}, like {@link #read()}; but at a message
     * boundary with nothing buffered, once nothing has arrived for {@code threshold}, gives the
     * input buffer back, hands the wait to the transport ({@code resume} runs on a new thread
     * when bytes arrive) and returns {@link #PARKED}: the calling thread may end.
     */
    public Message readOrPark(Duration threshold, Runnable resume) {
        return SessionReads.readOrPark(this, threshold, resume);
    }

    /**
     * Reads the next message for a {@link MessageLoop} on an express thread, like {@link #read()};
     * but at a message boundary where nothing arrives for {@code linger}, returns {@link #LEFT}
     * with nothing consumed: the session's burst ended and it goes on on a virtual thread.
     */
    public Message readOrLeave(Duration linger) {
        return SessionReads.readOrLeave(this, linger);
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
        return SessionSends.frame(this, OPCODE_TEXT, bytes, 0, bytes.length);
    }

    @Override
    public boolean send(byte[] bytes) {
        return SessionSends.frame(this, OPCODE_BINARY, bytes, 0, bytes.length);
    }

    @Override
    public boolean send(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            return SessionSends.frame(this, OPCODE_BINARY, buffer.array(), buffer.arrayOffset() + buffer.position(),
                    buffer.remaining());
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return SessionSends.frame(this, OPCODE_BINARY, copy, 0, copy.length);
    }

    @Override
    public boolean ping(byte[] data) {
        WebSocketProtocol.checkPing(data);
        return SessionSends.frame(this, OPCODE_PING, data, 0, data.length);
    }

    /**
     * Topic delivery: writes {@code frame}, encoded once for every server session (and compressed
     * once for those that deflate), under the same budget, slow-peer policy, lock and write
     * deadline as a send. A client masks each frame with a key of its own, so it encodes the
     * payload itself, as does a session whose compressor keeps its context or has a window the
     * message does not fit (see {@link MessageDeflater#takesSharedFrame}).
     */
    public boolean sendShared(SharedFrame frame) {
        return SessionSends.shared(this, frame);
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

    @Override
    public void close(CloseStatus status, String reason) {
        WebSocketProtocol.checkClose(status, reason);
        CloseHandshake.close(this, status, reason);
    }

    /**
     * Called when the owner is done with the connection (the server's handler returned): closes
     * it with 1000 if still open, or completes a close handshake in progress, within the
     * close timeout.
     */
    public void finish() {
        CloseHandshake.finish(this);
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
        SessionWatchdog.tick(this);
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
        SessionWatchdog.checkControlFrameRate(this);
        if (!closeSent) {
            out.pong(payload);
        }
    }

    /** The wire length of a control frame from the peer: a 2-byte header, the mask key if masked (§5.2). */
    private int controlFrameLength(byte[] payload) {
        return 2 + (isClient ? 0 : 4) + payload.length;
    }

    @Override
    public void onPong(byte[] payload) {
        input.remarkAfter(controlFrameLength(payload));
        SessionWatchdog.checkControlFrameRate(this);
        SessionWatchdog.pongArrived(this, payload);
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
        return CloseHandshake.closeStatus(this);
    }

    @Override
    public Optional<String> closeReason() {
        return CloseHandshake.closeReason(this);
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

    @Override
    public String toString() {
        return (isClient ? "client " : "session ") + connection.remoteAddress() + request.path();
    }
}
