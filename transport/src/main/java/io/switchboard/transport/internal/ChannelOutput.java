package io.switchboard.transport.internal;

import io.switchboard.api.spi.GatheringOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connection's output stream over its socket channel: every byte given is written before a
 * call returns, and a frame's header and payload can leave in one gathering write. A channel in
 * non-blocking mode that takes nothing is waited for through {@link #awaitWritable()}. Kept as
 * an inner class of its connection, so it costs no more than the reference to it.
 *
 * <p>Thread safety as the channel's writes: the engine serialises writes of one connection.
 */
abstract class ChannelOutput extends OutputStream implements GatheringOutput {

    /** The channel written to. */
    abstract SocketChannel channel();

    /** Waits until the channel, which just took no bytes, may take more. */
    abstract void awaitWritable() throws IOException;

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            if (channel().write(buffer) == 0 && buffer.hasRemaining()) {
                awaitWritable();
            }
        }
    }

    @Override
    public final void write(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset,
            int secondLength) throws IOException {
        ByteBuffer[] buffers = {ByteBuffer.wrap(first, firstOffset, firstLength),
                ByteBuffer.wrap(second, secondOffset, secondLength)};
        while (buffers[1].hasRemaining()) {
            if (channel().write(buffers) == 0 && buffers[1].hasRemaining()) {
                awaitWritable();
            }
        }
    }
}
