package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.websocket.ConnectResult.Outcome;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The client's side of the opening handshake (RFC 6455 §4.1): the URL, the request, and the
 * checks on the server's response. Pure.
 */
public final class ClientHandshake {

    /** Header fields the engine owns; user headers never replace them (§4.1 items 5–9). */
    private static final Set<String> MANDATORY = Set.of(
            "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions");
    static final String USER_AGENT = "switchboard/0.1";

    private ClientHandshake() {
    }

    /**
     * A parsed {@code ws://} or {@code wss://} URL.
     *
     * @param host the host name or IP literal, without brackets
     * @param target the request target: path and query
     * @param hostHeader the {@code Host} field value: host (bracketed if IPv6) and a non-default port
     */
    public record Url(boolean secure, String host, int port, String target, String hostHeader) {

        /** Parses {@code url}; throws IllegalArgumentException naming what is wrong. */
        public static Url parse(String url) {
            URI uri;
            try {
                // Characters outside ASCII go on the wire percent-encoded as UTF-8 (RFC 3986 §2.1):
                // a request target is ASCII, and servers read it as such.
                uri = new URI(new URI(url).toASCIIString());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid URL " + url + ": " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean secure = switch (scheme) {
                case "ws" -> false;
                case "wss" -> true;
                default -> throw new IllegalArgumentException("unsupported scheme '" + uri.getScheme()
                        + "' in " + url + "; expected ws or wss");
            };
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in " + url);
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a WebSocket URL must not have a fragment (#" + uri.getRawFragment() + ")");
            }
            String host = uri.getHost();
            boolean ipv6 = host.startsWith("[");
            String bare = ipv6 ? host.substring(1, host.length() - 1) : host;
            int zone = bare.indexOf('%');
            if (ipv6 && zone >= 0) {
                // RFC 6874: a zone ID is written "%25" + name in a URL, the resolver wants "%" + name,
                // and it never goes on the wire (§4: the client removes it from Host).
                String name = bare.startsWith("25", zone + 1) ? bare.substring(zone + 3) : bare.substring(zone + 1);
                host = "[" + bare.substring(0, zone) + "]";
                bare = bare.substring(0, zone) + "%" + name;
            }
            int defaultPort = secure ? 443 : 80;
            int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
            if (port < 1 || port > 65535) {
                // URI accepts any digits; caught here, not as an exception escaping connect()
                throw new IllegalArgumentException("port " + port + " in " + url + " is outside 1-65535");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            String hostHeader = port == defaultPort ? host : host + ":" + port;
            return new Url(secure, bare, port, target, hostHeader);
        }
    }

    /** The handshake failed; says how, with the response's status and headers if one was read. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;
        private final int status;
        private final transient Headers headers;

        Failure(Outcome outcome, String message, int status, Headers headers) {
            super(message, null, false, false);
            this.outcome = outcome;
            this.status = status;
            this.headers = headers;
        }

        public Outcome outcome() {
            return outcome;
        }

        public int status() {
            return status;
        }

        public Headers headers() {
            return headers;
        }
    }

    /** §4.1 item 7: a fresh base64-encoded 16-byte nonce. */
    public static String newKey(Random random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The upgrade request's head; user headers override defaults but not the mandatory fields. */
    public static Headers requestHeaders(Url url, String key, Headers user) {
        return requestHeaders(url, key, user, null);
    }

    /**
     * As {@link #requestHeaders(Url, String, Headers)}, offering permessage-deflate with the
     * {@link DeflateNegotiation#offers} of {@code deflate} unless it is null.
     */
    public static Headers requestHeaders(Url url, String key, Headers user, DeflatePolicy deflate) {
        Headers.Builder h = Headers.builder()
                .add("Host", url.hostHeader())
                .add("User-Agent", USER_AGENT);
        for (String name : user.names()) {
            if (!MANDATORY.contains(name)) {
                h.remove(name);
            }
        }
        user.forEach((name, value) -> {
            if (!MANDATORY.contains(name.toLowerCase(Locale.ROOT))) {
                h.add(name, value);
            }
        });
        h.add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", key)
                .add("Sec-WebSocket-Version", WebSocketProtocol.VERSION);
        if (deflate != null) {
            h.add("Sec-WebSocket-Extensions", String.join(", ", DeflateNegotiation.offers(deflate)));
        }
        return h.build();
    }

    /** Serialises {@code GET target HTTP/1.1} and {@code headers}. */
    public static byte[] requestBytes(String target, Headers headers) {
        StringBuilder sb = new StringBuilder(256).append("GET ").append(target).append(" HTTP/1.1\r\n");
        headers.forEach((n, v) -> sb.append(n).append(": ").append(v).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether {@code head} is an interim response other than 101, e.g. {@code 100 Continue} or
     * {@code 103 Early Hints}: the client reads past it to the response that follows (RFC 9110
     * §15.2: a client MUST be able to parse 1xx responses received before the final one).
     */
    public static boolean isInterim(HttpHead head) {
        String[] parts = head.startLine().split(" ", 3);
        return parts.length >= 2 && parts[0].startsWith("HTTP/1.") && parts[1].matches("1[0-9][0-9]")
                && !parts[1].equals("101");
    }

    /**
     * Checks the server's response (§4.1, "the client MUST validate the server's response").
     *
     * @param offered the sub-protocols the client proposed
     * @return the sub-protocol the server chose, if any
     * @throws Failure describing the first problem found
     */
    public static Optional<String> validateResponse(HttpHead head, String key, List<String> offered) {
        return validateResponse(head, key, offered, null);
    }

    /**
     * Like {@link #validateResponse(HttpHead, String, List)}, where {@code deflate} is the policy
     * permessage-deflate was offered with, or null if it was not; then an extensions header that
     * fits one of the offers is accepted (see {@link DeflateNegotiation#agreed}).
     */
    public static Optional<String> validateResponse(HttpHead head, String key, List<String> offered,
            DeflatePolicy deflate) {
        String[] parts = head.startLine().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new Failure(Outcome.BAD_RESPONSE, "malformed status line: " + head.startLine(), 0, Headers.empty());
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new Failure(Outcome.BAD_RESPONSE, "malformed status code: " + head.startLine(), 0, Headers.empty());
        }
        Headers headers = head.headers();
        if (status != 101) {
            throw new Failure(Outcome.HANDSHAKE_REJECTED, "server answered " + head.startLine().substring(parts[0].length() + 1),
                    status, headers);
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new Failure(Outcome.MISSING_UPGRADE, "101 response without Upgrade: websocket", status, headers);
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw new Failure(Outcome.MISSING_UPGRADE, "101 response without Connection: upgrade", status, headers);
        }
        String expected = WebSocketProtocol.acceptKey(key);
        List<String> accept = headers.all("Sec-WebSocket-Accept");
        if (accept.size() != 1 || !accept.get(0).equals(expected)) {
            throw new Failure(Outcome.BAD_ACCEPT, "Sec-WebSocket-Accept is " + accept + ", expected " + expected,
                    status, headers);
        }
        // An empty field names no extension (RFC 6455 §9.1: a list of at least one is meant).
        boolean extensions = headers.all("Sec-WebSocket-Extensions").stream()
                .anyMatch(v -> !v.replace(",", "").isBlank());
        if (extensions) {
            if (deflate == null) {
                throw new Failure(Outcome.NEGOTIATION_FAILED, "server selected extensions "
                        + headers.all("Sec-WebSocket-Extensions") + " that were not offered", status, headers);
            }
            try {
                DeflateNegotiation.agreed(headers, deflate);
            } catch (IllegalArgumentException e) {
                throw new Failure(Outcome.NEGOTIATION_FAILED, e.getMessage(), status, headers);
            }
        }
        List<String> chosen = headers.all("Sec-WebSocket-Protocol");
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        if (chosen.size() != 1 || !offered.contains(chosen.get(0))) {
            throw new Failure(Outcome.NEGOTIATION_FAILED, "server selected sub-protocol " + chosen
                    + " but the client offered " + offered, status, headers);
        }
        return Optional.of(chosen.get(0));
    }
}
