package io.switchboard.websocket.internal;

import io.switchboard.api.Message;
import io.switchboard.api.MessageStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The reading side of a {@link WebSocketSession}: one read step at a time under the session's
 * read lock, its failures turned into the close handshake, and the two reads of a {@link
 * MessageLoop} that may give the thread up at a message boundary: {@link #readOrPark} (the wait
 * goes to the transport) and {@link #readOrLeave} (an express thread's burst ended).
 *
 * <p>Static only: the state (the read lock, the reading thread, {@code parked}) stays in the
 * session's fields, so the split adds no object to a session and no call through an interface
 * to a read. Thread safety is the session's: every step runs under its read lock.
 */
final class SessionReads {

    private SessionReads() {
    }

    /** One step of reading from the peer, returning null once the peer's close frame arrived. */
    interface ReadStep<T> {
        T read() throws IOException;
    }

    /**
     * Runs {@code step} under readLock and turns its failures into the close handshake: a
     * protocol violation fails the connection with its status, the peer's close frame is
     * answered, a lost connection is released. Returns null in all those cases.
     */
    static <T> T readSafely(WebSocketSession s, ReadStep<T> step) {
        CompactLock readLock = s.readLock;
        readLock.lock();
        s.reading = Thread.currentThread();
        try {
            if (s.parked) {
                throw new IllegalStateException("a MessageHandler's session is read by the server, not by the handler");
            }
            if (s.closeReceived || s.terminated) {
                return null;
            }
            T result = step.read();
            if (result == WebSocketSession.PARKED || result == WebSocketSession.LEFT) {
                return result;
            }
            if (result != null) {
                if (result instanceof Message || result instanceof MessageStream) {
                    s.counters.messageIn(); // a whole message, or the start of a streamed one
                }
                return result;
            }
            CloseHandshake.answerPeerClose(s);
            return null;
        } catch (ProtocolException e) {
            CloseHandshake.fail(s, e.status(), e.getMessage());
            return null;
        } catch (IOException e) {
            if (s.closeReceived) {
                CloseHandshake.answerPeerClose(s); // it came inside a streamed message
                return null;
            }
            if (!s.terminated) {
                WebSocketSession.LOG.log(Level.DEBUG, "{0}: connection lost: {1}", s, e.toString());
            }
            s.terminate();
            return null;
        } finally {
            readLock.unlock();
        }
    }

    /** See {@link WebSocketSession#readOrPark}. */
    static Message readOrPark(WebSocketSession s, Duration threshold, Runnable resume) {
        CompactLock readLock = s.readLock;
        readLock.lock();
        try {
            s.parked = false; // resumed: this thread reads now
            return readSafely(s, () -> {
                SessionInput input = s.input;
                FrameReader reader = s.reader;
                if (!input.canPark() || reader.isStreaming()) {
                    return reader.readMessage();
                }
                input.markBoundary(threshold);
                try {
                    return reader.readMessage();
                } catch (SessionInput.IdleTimeout idle) {
                    input.release();
                    s.out.trim();
                    reader.trim(); // a text message's buffer (up to 64 KiB) would stay for the next one
                    s.reading = null; // the thread ends: don't keep it reachable
                    s.parked = true;
                    if (s.connection.whenReadable(resume)) {
                        return WebSocketSession.PARKED;
                    }
                    s.parked = false; // closed meanwhile: the next read says so
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

    /** See {@link WebSocketSession#readOrLeave}. */
    static Message readOrLeave(WebSocketSession s, Duration linger) {
        return readSafely(s, () -> {
            SessionInput input = s.input;
            FrameReader reader = s.reader;
            if (!input.canPark() || reader.isStreaming()) {
                return reader.readMessage();
            }
            input.markBoundary(linger, true);
            try {
                return reader.readMessage();
            } catch (SessionInput.IdleTimeout idle) {
                return WebSocketSession.LEFT;
            } finally {
                input.unmark();
            }
        });
    }
}
