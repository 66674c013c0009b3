package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The heads of plain HTTP/1.1 responses (RFC 9112 §4–6) and chunked transfer coding
 * (RFC 9112 §7.1), as bytes. Pure apart from reading the clock for {@code Date}; thread-safe.
 */
public final class HttpResponses {

    private HttpResponses() {
    }

    /**
     * The status line and header fields of a response, ending with the blank line.
     *
     * @param length the body's length, or -1 for chunked transfer coding
     * @param close whether the server closes the connection after this response
     */
    public static byte[] head(int status, String contentType, Headers extra, long length, boolean close) {
        StringBuilder sb = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n");
        extra.forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        if (status != 204 && status != 304) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
            if (length < 0) {
                sb.append("Transfer-Encoding: chunked\r\n");
            } else {
                sb.append("Content-Length: ").append(length).append("\r\n");
            }
        }
        if (close) {
            sb.append("Connection: close\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** RFC 9110 §15 reason phrases for the statuses handlers commonly use. */
    static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            default -> ServerHandshake.reasonPhrase(status);
        };
    }

    /**
     * Writes chunked transfer coding to {@code out}: each write is one chunk; {@link #close()}
     * writes the last chunk and does not close {@code out}. Not thread-safe.
     */
    static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-length chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write(CRLF);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.write(LAST_CHUNK);
            out.flush();
        }

        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }
}
