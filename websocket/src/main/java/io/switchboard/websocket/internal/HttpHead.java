package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The start line and header fields of an HTTP/1.1 message (RFC 9112 §2–5), read byte by byte
 * from a buffered stream so that nothing after the blank line is consumed. Lines end with
 * CRLF; a bare LF is accepted as RFC 9112 §2.2 allows. Obsolete line folding (except in
 * responses, where it is unfolded), whitespace before the colon and field names that are not
 * tokens are rejected.
 *
 * @param startLine the request line or status line
 * @param headers the header fields
 */
public record HttpHead(String startLine, Headers headers) {

    /** The head could not be read as HTTP; carries the status a server answers with. */
    public static final class HttpException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** 400 for malformed input, 431 for a head larger than the limit. */
        public int status() {
            return status;
        }
    }

    /**
     * Reads a head of at most {@code maxBytes} bytes (start line, fields and line ends).
     *
     * @throws HttpException with 400 or 431 if it is malformed or too large
     * @throws EOFException if the stream ends before the blank line
     */
    public static HttpHead read(InputStream in, int maxBytes) throws IOException {
        return read(in, maxBytes, false);
    }

    /**
     * Like {@link #read(InputStream, int)} for a response, where obsolete line folding is
     * replaced by a space instead (RFC 9112 §5.2: a user agent MUST do so).
     */
    public static HttpHead readResponse(InputStream in, int maxBytes) throws IOException {
        return read(in, maxBytes, true);
    }

    private static HttpHead read(InputStream in, int maxBytes, boolean unfold) throws IOException {
        byte[] line = new byte[256];
        int total = 0;
        String startLine = null;
        Headers.Builder headers = Headers.builder();
        String field = null; // with unfold: the field line read last, until no fold can continue it
        while (true) {
            int length = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException(total + length == 0
                            ? "connection closed before any request byte"
                            : "connection closed inside the HTTP head");
                }
                if (++total > maxBytes) {
                    throw new HttpException(431, "HTTP head exceeds " + maxBytes + " bytes");
                }
                if (b == '\n') {
                    break;
                }
                if (length == line.length) {
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                line[length++] = (byte) b;
            }
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
            if (startLine == null) {
                if (text.isEmpty() && total <= 2) {
                    continue; // RFC 9112 §2.2: ignore at least one empty line before the start line
                }
                startLine = text;
            } else if (text.isEmpty()) {
                if (field != null) {
                    addField(headers, field);
                }
                return new HttpHead(startLine, headers.build());
            } else if (!unfold) {
                addField(headers, text);
            } else if (field != null && (text.charAt(0) == ' ' || text.charAt(0) == '\t')) {
                field = field + " " + text.strip();
            } else {
                if (field != null) {
                    addField(headers, field);
                }
                field = text;
            }
        }
    }

    private static void addField(Headers.Builder headers, String line) {
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new HttpException(400, "obsolete line folding is not accepted");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpException(400, "header line without a field name and colon: " + abbreviate(line));
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new HttpException(400, "invalid character in header field name: " + abbreviate(name));
            }
        }
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new HttpException(400, "control character in the value of " + name);
            }
        }
        headers.add(name, value);
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /**
     * Peer bytes fit to quote in an error (logged and sent back): at most 40 characters, control
     * characters escaped so they cannot forge or garble a log line.
     */
    static String abbreviate(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 40); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() <= 40 ? sb.toString() : sb + "…";
    }
}
