package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.MessageHandler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;

/**
 * Runs a {@link MessageHandler}'s callbacks for one server session without keeping a thread
 * while the session is idle. {@link #run()} calls {@code onOpen} once, then reads and calls
 * {@code onMessage} per message; when the session parks ({@link WebSocketSession#readOrPark})
 * the thread returns, and the transport calls {@link #run()} again on a new virtual thread when
 * bytes arrive. When the session ends: {@code finish()} (1000 if still open), {@code onClose},
 * then the server's bookkeeping ({@code ended}).
 *
 * <p>A session in an exchange of small messages (each at most {@link ExpressLane#SMALL_MESSAGE},
 * each waiting briefly for the peer: a request/response, a game's ticks) moves at a message
 * boundary to an {@link ExpressLane} thread if one is free, and back to a new virtual thread
 * after a larger message, when its input turns pipelined (the next message already buffered at
 * each boundary: no wake-up left to save) or at the first boundary where nothing arrives for
 * {@link ExpressLane#LINGER_MILLIS}.
 *
 * <p>Thread safety: one thread runs it at a time; the handoff goes through the session's read
 * lock and the transport's mode lock, so each run sees what the previous one wrote. Any thread
 * may send and close meanwhile.
 */
public final class MessageLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger(MessageLoop.class.getName());

    private final WebSocketSession session;
    private final MessageHandler handler;
    private final Duration idleThreshold;
    /** Platform threads for sessions in a burst. */
    private final ExpressLane express;
    /** The server's threads serving connections; each run adds its own while it runs. */
    private final Set<Thread> threads;
    /** The server's bookkeeping once the session ended; runs once, last. */
    private final Runnable ended;
    /** Whether onOpen ran; written and read by one run at a time. */
    private boolean opened;

    /**
     * @param idleThreshold silence at a message boundary after which the session parks; zero:
     *     never (the thread stays, as with a blocking handler, and never moves to an express thread)
     * @param express where the session moves while in a burst
     */
    public MessageLoop(WebSocketSession session, MessageHandler handler, Duration idleThreshold, ExpressLane express,
            Set<Thread> threads, Runnable ended) {
        this.session = session;
        this.handler = handler;
        this.idleThreshold = idleThreshold;
        this.express = express;
        this.threads = threads;
        this.ended = ended;
    }

    /** Serves the session until it parks, moves or ends; on the first run, on the connection's thread. */
    @Override
    public void run() {
        serve(false);
    }

    private void serve(boolean onExpress) {
        Thread self = Thread.currentThread();
        threads.add(self);
        try {
            if (!opened) {
                opened = true;
                if (!call(null)) {
                    end();
                    return;
                }
            }
            while (true) {
                Message message;
                if (onExpress) {
                    message = session.readOrLeave(Duration.ofMillis(ExpressLane.LINGER_MILLIS));
                    if (message == WebSocketSession.LEFT && leaveExpress()) {
                        return; // the burst ended: a virtual thread goes on
                    }
                    if (message == WebSocketSession.LEFT) {
                        onExpress = false; // no virtual thread could start: go on here, as on one
                        continue;
                    }
                } else {
                    message = idleThreshold.isZero() ? session.read() : session.readOrPark(idleThreshold, this);
                    if (message == WebSocketSession.PARKED) {
                        return; // the transport runs this again when bytes arrive
                    }
                }
                if (message == null || !call(message)) {
                    break;
                }
                boolean small = message.length() <= ExpressLane.SMALL_MESSAGE;
                if (!onExpress && small && !idleThreshold.isZero() && session.inExchange() && session.detach()
                        && express.tryRun(() -> serve(true))) {
                    return; // an express thread goes on from the next message
                }
                if (onExpress && (!small || session.pipelined()) && leaveExpress()) {
                    return; // bulk or pipelined: no wake-up to save per message, and the lane is for exchanges
                }
            }
            end();
        } finally {
            threads.remove(self);
        }
    }

    /** Starts a virtual thread that goes on serving the session; false if none could start. */
    private boolean leaveExpress() {
        try {
            Thread.ofVirtual().name("switchboard-session").start(this);
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.WARNING, "cannot start a virtual thread for " + session + "; it stays on its express thread", e);
            return false;
        }
    }

    /** Calls onOpen (null) or onMessage; on a throw logs and closes with 1011, returning false. */
    private boolean call(Message message) {
        try {
            if (message == null) {
                handler.onOpen(session);
            } else {
                handler.onMessage(session, message);
            }
            return true;
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "handler for " + session.request().path() + " failed on " + session, e);
            if (session.isOpen()) {
                session.close(CloseStatus.INTERNAL_ERROR, "internal error");
            }
            if (e instanceof VirtualMachineError fatal) {
                end();
                throw fatal;
            }
            return false;
        }
    }

    private void end() {
        try {
            session.finish();
            handler.onClose(session, session.closeStatus().orElse(CloseStatus.ABNORMAL_CLOSURE),
                    session.closeReason().orElse(""));
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "onClose of the handler for " + session.request().path() + " failed on " + session, e);
        } finally {
            ended.run();
        }
    }
}
