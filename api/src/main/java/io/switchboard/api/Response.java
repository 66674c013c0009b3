package io.switchboard.api;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A plain HTTP response that an {@link HttpHandler} returns: a status, header fields and a
 * body given as a string, bytes or a stream. Immutable apart from a stream body, which the
 * server reads once (and closes) when it sends the response.
 *
 * <pre>{@code
 * Response.text(200, "ok")
 * Response.of(200, "text/html; charset=utf-8", page).withHeader("Cache-Control", "no-store")
 * Response.stream(200, "application/octet-stream", Files.newInputStream(file))
 * }</pre>
 *
 * <p>The server adds {@code Content-Length} (or chunked transfer coding for a stream of unknown
 * length), {@code Date} and {@code Connection}; a handler may not set those itself.
 */
public final class Response {

    /** Fields the server writes itself, from the body and the connection's state. */
    private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection", "date",
            "content-type");

    private final int status;
    private final String contentType;
    private final Headers headers;
    /** The body when it is in memory; null for a stream body. */
    private final byte[] bytes;
    /** The body when it is a stream; null for a body in memory. */
    private final InputStream stream;
    /** The body's length in bytes, or -1 for a stream of unknown length. */
    private final long length;

    private Response(int status, String contentType, Headers headers, byte[] bytes, InputStream stream, long length) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599, got " + status);
        }
        if ((status == 204 || status == 304) && length != 0) {
            throw new IllegalArgumentException("a " + status + " response has no body");
        }
        checkValue("Content-Type", Objects.requireNonNull(contentType, "contentType"));
        this.status = status;
        this.contentType = contentType;
        this.headers = headers;
        this.bytes = bytes;
        this.stream = stream;
        this.length = length;
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static Response text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text);
    }

    /** A response whose body is {@code body} encoded in UTF-8 (name the charset in {@code contentType}). */
    public static Response of(int status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response whose body is {@code body} (not copied: do not change it afterwards). */
    public static Response of(int status, String contentType, byte[] body) {
        return new Response(status, contentType, Headers.empty(), Objects.requireNonNull(body, "body"), null,
                body.length);
    }

    /** A response without a body, e.g. 204. */
    public static Response empty(int status) {
        return of(status, "text/plain; charset=utf-8", new byte[0]);
    }

    /**
     * A response streaming {@code body} of unknown length: sent with chunked transfer coding
     * (or, to an HTTP/1.0 client, by closing the connection at its end). The server closes it.
     */
    public static Response stream(int status, String contentType, InputStream body) {
        return new Response(status, contentType, Headers.empty(), null, Objects.requireNonNull(body, "body"), -1);
    }

    /** A response streaming exactly {@code length} bytes of {@code body}; the server closes it. */
    public static Response stream(int status, String contentType, long length, InputStream body) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        return new Response(status, contentType, Headers.empty(), null, Objects.requireNonNull(body, "body"), length);
    }

    /**
     * This response with the field {@code name: value} added.
     *
     * @throws IllegalArgumentException if the name is not an HTTP token, the value holds a
     *     control character (a CR or LF could forge fields), or the field is one the server sets
     *     ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Date},
     *     {@code Content-Type}: give that to the factory method)
     */
    public Response withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || !name.chars().allMatch(Response::isTokenChar)) {
            throw new IllegalArgumentException("not a header field name: " + name);
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        checkValue(name, value);
        return new Response(status, contentType, headers.toBuilder().add(name, value).build(), bytes, stream, length);
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("invalid character in the value of " + name);
            }
        }
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** The status code, 200–599. */
    public int status() {
        return status;
    }

    /** The {@code Content-Type} field value. */
    public String contentType() {
        return contentType;
    }

    /** The header fields the handler added (without those the server sets). */
    public Headers headers() {
        return headers;
    }

    /** The body's length in bytes, or -1 for a stream of unknown length. */
    public long length() {
        return length;
    }

    /**
     * The body: a new stream over the bytes for a body in memory, the handler's stream itself
     * (to be read once) otherwise.
     */
    public InputStream body() {
        return bytes != null ? new ByteArrayInputStream(bytes) : stream;
    }

    @Override
    public String toString() {
        return "Response[" + status + " " + contentType + ", " + (length < 0 ? "streamed" : length + " bytes") + "]";
    }
}
