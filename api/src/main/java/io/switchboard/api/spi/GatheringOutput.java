package io.switchboard.api.spi;

import java.io.IOException;

/**
 * Implemented by a {@link Connection}'s {@linkplain Connection#output() output stream} that can
 * write two byte ranges as one: the engine hands it a large frame's header and payload together,
 * so they leave in one system call and reach the peer as one stream of segments (over TLS, in
 * the same records), not as a segment of a few bytes followed by the payload. An output stream
 * that does not implement it gets two {@code write} calls. Since 1.5.
 *
 * <p>Thread safety as the stream's own {@code write}: the engine serialises writes of one
 * connection.
 */
public interface GatheringOutput {

    /**
     * Writes {@code firstLength} bytes of {@code first} from {@code firstOffset}, then {@code
     * secondLength} bytes of {@code second} from {@code secondOffset}, all of them, blocking as
     * {@link java.io.OutputStream#write(byte[], int, int)} does. Neither array is kept after
     * the call returns.
     *
     * @throws IOException as the stream's {@code write}; how much was written is then unknown
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    void write(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset, int secondLength)
            throws IOException;
}
