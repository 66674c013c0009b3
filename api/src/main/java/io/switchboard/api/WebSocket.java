package io.switchboard.api;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * One open WebSocket connection (RFC 6455), the same on the server and the client side.
 *
 * <h2>Reading</h2>
 * {@link #read()} blocks until a whole message has arrived and returns it; it returns
 * {@code null} once the connection has ended, for whatever reason. Control frames are handled
 * inside {@code read()}: pings are answered with pongs, a close frame is answered and ends the
 * connection. Only one thread reads at a time; the connection's own thread normally does.
 *
 * <h2>Sending</h2>
 * The {@code send} methods write one complete message and may be called from any number of
 * threads at once: messages are never interleaved. They block until the message has been
 * handed to the transport. They return {@code false} instead of sending when the connection
 * is closed or closing, or when the write fails (the connection is then closed).
 *
 * <h2>Closing</h2>
 * {@link #close(CloseStatus, String)} starts the close handshake (§7.1.2): it sends a close
 * frame, waits a bounded time for the peer's close frame, and closes the transport. Closing an
 * already closed connection does nothing. Protocol violations by the peer close the connection
 * with the matching status (1002, 1007, 1009) before the transport is closed.
 */
public interface WebSocket extends AutoCloseable {

    /**
     * Blocks until the next complete message arrives.
     *
     * @return the message, or {@code null} when the connection has ended (closed by either
     *     side, failed, or timed out); after that it keeps returning {@code null}
     */
    Message read();

    /** Sends a text message. Returns {@code false} if it could not be sent (closed). */
    boolean send(String text);

    /** Sends a binary message holding {@code bytes}. Returns {@code false} if closed. */
    boolean send(byte[] bytes);

    /**
     * Sends a binary message holding the remaining bytes of {@code buffer}, without changing its
     * position. Returns {@code false} if closed.
     */
    boolean send(ByteBuffer buffer);

    /** Sends {@code message} as text or binary, as its type says. Returns {@code false} if closed. */
    default boolean send(Message message) {
        return switch (message) {
            case Message.Text t -> send(t.text());
            case Message.Binary b -> send(b.bytes());
        };
    }

    /**
     * Sends a ping with up to 125 bytes of application data (§5.5.2). The pong is consumed by
     * {@link #read()}. Returns {@code false} if closed.
     *
     * @throws IllegalArgumentException if {@code data} is longer than 125 bytes
     */
    boolean ping(byte[] data);

    /**
     * Blocks until the next message starts and returns it as a stream, its payload read as its
     * frames arrive: for messages too large to hold in memory. See {@link MessageStream}.
     *
     * @return the message, or null once the connection has ended (as {@link #read()})
     */
    MessageStream readStream();

    /**
     * Starts a binary message written as a stream: each fragment-size of bytes written goes out
     * as one fragment, {@code flush()} sends what is buffered, and {@code close()} ends the
     * message. Other sends wait until it is closed, so write and close it from one thread, and
     * always close it. Streamed messages are sent uncompressed.
     *
     * @return the stream; its writes throw {@link java.io.IOException} once the connection has closed
     */
    OutputStream sendStream();

    /**
     * Starts a text message written as a stream, as {@link #sendStream()} does for binary.
     *
     * @return the writer, encoding UTF-8
     */
    Writer sendTextStream();

    /** Closes the connection normally: same as {@code close(CloseStatus.NORMAL, "")}. */
    @Override
    default void close() {
        close(CloseStatus.NORMAL, "");
    }

    /**
     * Starts the close handshake with {@code status} and {@code reason}, waits a bounded time for
     * the peer's close frame and releases the connection. Does nothing if already closed.
     *
     * @param status a status that may be sent ({@link CloseStatus#isSendable()})
     * @param reason up to 123 bytes of UTF-8; may be empty
     * @throws IllegalArgumentException if the status may not be sent or the reason is too long
     */
    void close(CloseStatus status, String reason);

    /** Whether the connection is open: no close frame sent or received and no failure yet. */
    boolean isOpen();

    /** The upgrade request that opened this connection. */
    Request request();

    /** The sub-protocol agreed in the handshake, or empty if none was. */
    Optional<String> subProtocol();

    /**
     * The last measured round-trip time: from a heartbeat ping this side sent to the peer's
     * pong. Empty until the first pong to a heartbeat ping has arrived.
     */
    Optional<Duration> roundTripTime();

    /**
     * How the connection ended: the status in the peer's close frame, {@link
     * CloseStatus#NO_STATUS_RECEIVED} if its close frame had none, the status this side sent
     * when it failed the connection, or {@link CloseStatus#ABNORMAL_CLOSURE} if the transport
     * ended without a close frame. Empty while the connection is open.
     */
    Optional<CloseStatus> closeStatus();

    /** The reason that goes with {@link #closeStatus()}; empty while open or if none was given. */
    Optional<String> closeReason();
}
