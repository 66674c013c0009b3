package io.switchboard.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * A message read as its frames arrive, from {@link WebSocket#readStream()}: the payload comes
 * as it arrives, with no buffer of the message's size, so a message of any size passes in
 * constant memory. Its size is bounded by the streamed-message limit, not the buffered one.
 *
 * <p>Read it to its end (the streams return -1), or {@link #close()} it to skip the rest, before
 * reading the next message; reading the next message skips what is left of this one. If the
 * connection fails or closes before the end of the message, the streams throw
 * {@link IOException}: a cut message never looks complete. Not thread-safe: one reader at a time.
 */
public interface MessageStream extends Closeable {

    /** Whether this is a text message (its bytes are then UTF-8, checked as they arrive). */
    boolean isText();

    /** The payload bytes, as they arrive; UTF-8 for a text message. */
    InputStream bytes();

    /**
     * The characters of a text message, as they arrive.
     *
     * @throws IllegalStateException if this is a binary message
     */
    Reader text();

    /** Skips what is left of the message. */
    @Override
    void close() throws IOException;
}
