package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The server's side of the opening handshake (RFC 6455 §4.2): parses the request line,
 * checks the upgrade fields, and writes the 101 or an error response. Pure: works on parsed
 * heads and produces bytes.
 */
public final class ServerHandshake {

    private ServerHandshake() {
    }

    /** A request line split into its parts, with the target's path decoded. */
    public record RequestLine(String method, String path, String rawQuery) {
    }

    /** The request is refused with {@code status}; {@code headers} go into the response. */
    public static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final transient Headers headers;

        Rejection(int status, String message, Headers headers) {
            super(message, null, false, false);
            this.status = status;
            this.headers = headers;
        }

        Rejection(int status, String message) {
            this(status, message, Headers.empty());
        }

        public int status() {
            return status;
        }

        public Headers headers() {
            return headers;
        }
    }

    /**
     * Parses {@code GET /path?query HTTP/1.1}. Origin-form and absolute-form targets are
     * accepted (RFC 9112 §3.2).
     *
     * @throws HttpException 400 if malformed, 505 if the version is not HTTP/1.1
     */
    public static RequestLine parseRequestLine(String line) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        for (int i = 0; i < parts[0].length(); i++) {
            if (!HttpHead.isTokenChar(parts[0].charAt(i))) {
                throw new HttpException(400, "malformed request method");
            }
        }
        if (!parts[2].startsWith("HTTP/1.") || parts[2].length() != 8) {
            throw new HttpException(parts[2].startsWith("HTTP/") ? 505 : 400, "unsupported protocol version "
                    + HttpHead.abbreviate(parts[2]));
        }
        char minor = parts[2].charAt(7);
        if (minor < '1' || minor > '9') {
            // §4.2.1: HTTP/1.1 or higher; RFC 9110 §2.5: a higher minor version is read as 1.1
            throw new HttpException(505, "a WebSocket upgrade needs HTTP/1.1, got " + parts[2]);
        }
        String target = parts[1];
        if (!target.startsWith("/") && !target.regionMatches(true, 0, "http://", 0, 7)
                && !target.regionMatches(true, 0, "https://", 0, 8)) {
            throw new HttpException(400, "request target must be a path");
        }
        try {
            // Origin-form is a path even when it starts with "//" (RFC 9112 §3.2.1); under a
            // placeholder authority URI cannot mistake "//host/x" for an authority and path "/x".
            URI uri = new URI(target.startsWith("/") ? "http://origin" + target : target);
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            return new RequestLine(parts[0], path, uri.getRawQuery());
        } catch (URISyntaxException e) {
            throw new HttpException(400, "malformed request target: " + e.getReason());
        }
    }

    /**
     * Checks the upgrade fields of a request routed to a WebSocket path (§4.2.1).
     *
     * @return the {@code Sec-WebSocket-Accept} value to answer with
     * @throws Rejection with 405, 426 or 400 naming the field at fault (400 also for a request with a body)
     */
    public static String validate(String method, Headers headers) {
        if (!method.equals("GET")) {
            throw new Rejection(405, "a WebSocket upgrade must use GET, not " + method, Headers.of("Allow", "GET"));
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new Rejection(426, headers.contains("Upgrade")
                    ? "the Upgrade header does not name websocket"
                    : "this path serves WebSocket connections only; send an upgrade request",
                    Headers.of("Upgrade", "websocket", "Connection", "Upgrade",
                            "Sec-WebSocket-Version", WebSocketProtocol.VERSION));
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw new Rejection(400, "the Connection header does not contain the upgrade token");
        }
        if (headers.contains("Transfer-Encoding")
                || !headers.all("Content-Length").stream().allMatch(length -> length.equals("0"))) {
            // RFC 9112 §6.3: the body would be read as frames after the 101, so it is refused
            throw new Rejection(400, "an upgrade request must not have a body");
        }
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals(WebSocketProtocol.VERSION)) {
            throw new Rejection(426, "unsupported Sec-WebSocket-Version " + versions + "; this server speaks 13",
                    Headers.of("Sec-WebSocket-Version", WebSocketProtocol.VERSION));
        }
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.size() != 1) {
            throw new Rejection(400, keys.isEmpty() ? "missing Sec-WebSocket-Key" : "more than one Sec-WebSocket-Key");
        }
        String key = keys.get(0);
        if (!isValidKey(key)) {
            throw new Rejection(400, "Sec-WebSocket-Key is not the base64 encoding of 16 bytes");
        }
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1) {
            throw new Rejection(400, "an HTTP/1.1 request needs exactly one Host header");
        }
        if (!isValidHost(hosts.get(0))) {
            throw new Rejection(400, "the Host header is not a host and optional port");
        }
        return WebSocketProtocol.acceptKey(key);
    }

    /** §4.1 item 7: a base64-encoded 16-byte value (24 characters with padding). */
    static boolean isValidKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * RFC 9112 §3.2: {@code Host = uri-host [ ":" port ]} (RFC 3986 §3.2.2–3.2.3), possibly
     * empty; checked by character classes, so a bracketed IP literal may hold any of them.
     */
    static boolean isValidHost(String value) {
        String host = value;
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']')) {
            host = value.substring(0, colon);
            if (!value.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        if (host.startsWith("[")) {
            return host.length() > 2 && host.endsWith("]")
                    && host.substring(1, host.length() - 1).chars().allMatch(c -> isHostChar(c) || c == ':');
        }
        return host.chars().allMatch(ServerHandshake::isHostChar);
    }

    /** RFC 3986 unreserved, sub-delims and '%' of pct-encoded: the characters of a reg-name. */
    private static boolean isHostChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
    }

    /** Every protocol the client offered, from all {@code Sec-WebSocket-Protocol} lines. */
    public static List<String> offeredProtocols(Headers headers) {
        List<String> offered = new ArrayList<>();
        for (String line : headers.all("Sec-WebSocket-Protocol")) {
            for (String part : line.split(",")) {
                String p = part.strip();
                if (!p.isEmpty()) {
                    offered.add(p);
                }
            }
        }
        return offered;
    }

    /** The 101 response (§4.2.2 item 5). */
    public static byte[] switchingProtocols(String accept, Optional<String> subProtocol) {
        return switchingProtocols(accept, subProtocol, Optional.empty());
    }

    /** The 101 response (§4.2.2 item 5) with the agreed extensions, if any. */
    public static byte[] switchingProtocols(String accept, Optional<String> subProtocol, Optional<String> extensions) {
        StringBuilder sb = new StringBuilder(160)
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(accept).append("\r\n");
        subProtocol.ifPresent(p -> sb.append("Sec-WebSocket-Protocol: ").append(p).append("\r\n"));
        extensions.ifPresent(e -> sb.append("Sec-WebSocket-Extensions: ").append(e).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A complete non-upgrade response with a plain-text body, closing the connection. */
    public static byte[] errorResponse(int status, String message, Headers extra) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(200)
                .append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
        extra.forEach((n, v) -> sb.append(n).append(": ").append(v).append("\r\n"));
        sb.append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
