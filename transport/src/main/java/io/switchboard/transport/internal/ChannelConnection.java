package io.switchboard.transport.internal;

import io.switchboard.api.spi.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A {@link Connection} over a blocking {@link SocketChannel}, used for Unix-domain sockets
 * (which have no {@link java.net.Socket} view). The streams call the channel directly, so one
 * thread can read while another writes (the channel has separate read and write locks).
 * Thread-safe as the channel is.
 */
final class ChannelConnection implements Connection {

    private final SocketChannel channel;
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;
    private final InputStream input = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, len));
            return n; // blocking mode: never 0 for len > 0; -1 at end of stream
        }
    };
    private final OutputStream output = new Output();

    ChannelConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.remoteAddress = channel.getRemoteAddress();
        this.localAddress = channel.getLocalAddress();
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    /** Channels have no read timeout; the engine bounds reads with its own deadlines. */
    @Override
    public void readTimeout(Duration timeout) {
        throw new UnsupportedOperationException("Unix-domain connections have no read timeout");
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    @Override
    public String toString() {
        return "ChannelConnection[" + localAddress + " <- " + remoteAddress + "]";
    }

    private final class Output extends ChannelOutput {
        @Override
        SocketChannel channel() {
            return channel;
        }

        @Override
        void awaitWritable() {
            // Never called: in blocking mode a write takes at least one byte or throws.
        }
    }
}
