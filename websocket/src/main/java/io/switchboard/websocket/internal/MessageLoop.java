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
 * <p>Thread safety: one thread runs it at a time; the handoff goes through the session's read
 * lock and the transport's mode lock, so each run sees what the previous one wrote. Any thread
 * may send and close meanwhile.
 */
public final class MessageLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger(MessageLoop.class.getName());

    private final WebSocketSession session;
    private final MessageHandler handler;
    private final Duration idleThreshold;
    /** The server's threads serving connections; each run adds its own while it runs. */
    private final Set<Thread> threads;
    /** The server's bookkeeping once the session ended; runs once, last. */
    private final Runnable ended;
    /** Whether onOpen ran; written and read by one run at a time. */
    private boolean opened;

    /**
     * @param idleThreshold silence at a message boundary after which the session parks; zero:
     *     never (the thread stays, as with a blocking handler)
     */
    public MessageLoop(WebSocketSession session, MessageHandler handler, Duration idleThreshold, Set<Thread> threads,
            Runnable ended) {
        this.session = session;
        this.handler = handler;
        this.idleThreshold = idleThreshold;
        this.threads = threads;
        this.ended = ended;
    }

    /** Serves the session until it parks or ends; on the first run, on the connection's thread. */
    @Override
    public void run() {
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
                Message message = idleThreshold.isZero() ? session.read() : session.readOrPark(idleThreshold, this);
                if (message == WebSocketSession.PARKED) {
                    return; // the transport runs this again when bytes arrive
                }
                if (message == null || !call(message)) {
                    break;
                }
            }
            end();
        } finally {
            threads.remove(self);
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
