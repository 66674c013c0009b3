package io.switchboard.websocket.internal;

import io.switchboard.api.MessageStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Streamed messages of a {@link WebSocketSession}: one being read as its frames arrive, and one
 * being written as fragments. The session does the frame work; these adapt it to
 * {@link InputStream} and {@link OutputStream}. Not thread-safe: each stream has one user.
 */
final class MessageStreams {

    private MessageStreams() {
    }

    /** A message being read; its bytes come from {@link WebSocketSession#readStreamed}. */
    static final class Incoming implements MessageStream {

        private final WebSocketSession session;
        private final boolean text;
        /** True once the end of the message was read, or it was closed. */
        private boolean done;
        private final InputStream bytes = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                while ((n = read(one, 0, 1)) == 0) {
                    // a frame with an empty payload
                }
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (done) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                Integer n = session.readStreamed(b, off, len);
                if (n == null) {
                    done = true;
                    throw new IOException("the connection ended before the end of the message ("
                            + session.closeStatus().map(Object::toString).orElse("closed") + ")");
                }
                if (n < 0) {
                    done = true;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                Incoming.this.close();
            }
        };

        Incoming(WebSocketSession session, boolean text) {
            this.session = session;
            this.text = text;
        }

        @Override
        public boolean isText() {
            return text;
        }

        @Override
        public InputStream bytes() {
            return bytes;
        }

        @Override
        public Reader text() {
            if (!text) {
                throw new IllegalStateException("a binary message has no text");
            }
            return new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        }

        @Override
        public void close() throws IOException {
            byte[] sink = new byte[8192];
            while (bytes.read(sink, 0, sink.length) >= 0) {
                // skip the rest
            }
        }
    }

    /**
     * A message being written: bytes gather up to the fragment size, then go out as one
     * fragment; close() sends the final one. Holds the session's message lock from creation to
     * close, so it must be used from the thread that created it.
     */
    static final class Outgoing extends OutputStream {

        private final WebSocketSession session;
        private final int opcode;
        private final byte[] buffer;
        private int count;
        private boolean first = true;
        private boolean closed;

        Outgoing(WebSocketSession session, int opcode, int fragmentSize) {
            this.session = session;
            this.opcode = opcode;
            this.buffer = new byte[Math.min(fragmentSize, 64 * 1024)];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("the message was ended (stream closed)");
            }
            while (len > 0) {
                int n = Math.min(len, buffer.length - count);
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
                if (count == buffer.length) {
                    send(false);
                }
            }
        }

        /** Sends what is buffered as a fragment (nothing if nothing is). */
        @Override
        public void flush() throws IOException {
            if (!closed && count > 0) {
                send(false);
            }
        }

        /** Sends the final fragment and lets other sends go. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                send(true);
            } finally {
                session.endStreamedSend();
            }
        }

        private void send(boolean fin) throws IOException {
            boolean sent = session.sendFragment(first ? opcode : WebSocketProtocol.OPCODE_CONTINUATION, fin, buffer, count);
            first = false;
            count = 0;
            if (!sent) {
                throw new IOException("the connection is closed");
            }
        }
    }
}
