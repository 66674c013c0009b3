package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import io.switchboard.api.spi.Connection;
import io.switchboard.api.spi.Tunnel;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.ClientHandshake.Failure;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP {@code CONNECT} tunnel through a proxy (RFC 9110 §9.3.6): the request for the target's
 * authority, with {@code Proxy-Authorization: Basic} (RFC 7617) when credentials are given, and
 * the check of the proxy's answer. Any 2xx opens the tunnel; interim 1xx answers are skipped;
 * 407 (and 401, which some proxies answer to wrong credentials) is {@link
 * Outcome#PROXY_AUTH_REQUIRED}; anything else {@link Outcome#PROXY_REJECTED} with its status.
 * Refusals are thrown as {@link Failure}. The answer is read byte by byte, so nothing after its
 * head is consumed; the body of a refusal is never read (the connection is closed). The whole
 * exchange is bounded by a deadline that closes the connection. Immutable and thread-safe.
 */
public final class HttpConnectTunnel implements Tunnel {

    /** The largest answer head read from a proxy. */
    static final int MAX_ANSWER_HEAD = 16 * 1024;

    private final String authority;
    private final Optional<String> authorization;
    private final String proxy;
    private final Duration timeout;

    /**
     * @param host the target's host name or address literal (IPv6 without brackets)
     * @param port the target's port
     * @param credentials Basic credentials for the proxy, if any
     * @param proxy the proxy, named in messages
     * @param timeout how long the proxy may take to answer
     */
    public HttpConnectTunnel(String host, int port, Optional<Credentials> credentials, String proxy, Duration timeout) {
        this.authority = authority(host, port);
        this.authorization = credentials.map(Credentials::basic);
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * A user name and password for HTTP Basic authentication (RFC 7617). The user name may not
     * contain a colon; neither may contain control characters.
     */
    public record Credentials(String user, String password) {
        public Credentials {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("a Basic user name may not contain ':' (RFC 7617 §2)");
            }
            if ((user + password).chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("proxy credentials may not contain control characters");
            }
        }

        /** The {@code Proxy-Authorization} value: "Basic " and base64 of UTF-8 "user:password". */
        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[" + user + ", ****]";
        }
    }

    /** {@code host:port}, an IPv6 literal in brackets and without a zone ID (meaningless to a proxy). */
    static String authority(String host, int port) {
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            return "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]:" + port;
        }
        return host + ":" + port;
    }

    /** The request: {@code CONNECT authority HTTP/1.1}, {@code Host}, and the credentials if any. */
    byte[] requestBytes() {
        StringBuilder sb = new StringBuilder(160)
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n")
                .append("User-Agent: ").append(ClientHandshake.USER_AGENT).append("\r\n");
        authorization.ifPresent(a -> sb.append("Proxy-Authorization: ").append(a).append("\r\n"));
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Checks the proxy's final answer.
     *
     * @throws Failure if it is not 2xx, or not a valid status line
     */
    void check(HttpHead answer) {
        int status = status(answer);
        if (status >= 200 && status < 300) {
            return;
        }
        Headers headers = answer.headers();
        String said = answer.startLine().substring(answer.startLine().indexOf(' ') + 1);
        if (status == 407 || status == 401) {
            throw new Failure(Outcome.PROXY_AUTH_REQUIRED, "proxy " + proxy + " answered CONNECT " + authority
                    + " with " + said + (authorization.isPresent() ? ": the credentials were refused" : ": it wants credentials")
                    + headers.first("Proxy-Authenticate").map(c -> " (" + c + ")").orElse(""), status, headers);
        }
        throw new Failure(Outcome.PROXY_REJECTED, "proxy " + proxy + " refused CONNECT " + authority + ": " + said,
                status, headers);
    }

    /** The status code of an answer; throws {@link Failure} (BAD_RESPONSE) for a malformed status line. */
    static int status(HttpHead answer) {
        String[] parts = answer.startLine().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new Failure(Outcome.BAD_RESPONSE, "malformed answer to CONNECT: "
                    + HttpHead.abbreviate(answer.startLine()), 0, Headers.empty());
        }
        return Integer.parseInt(parts[1]);
    }

    @Override
    public void open(Connection connection) throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = Timer.after(timeout, () -> {
            timedOut.set(true);
            connection.close();
        });
        try {
            connection.output().write(requestBytes());
            connection.output().flush();
            HttpHead answer = HttpHead.readResponse(connection.input(), MAX_ANSWER_HEAD);
            while (status(answer) < 200) {
                answer = HttpHead.readResponse(connection.input(), MAX_ANSWER_HEAD); // bounded by the deadline
            }
            check(answer);
            if (!deadline.cancel(false)) {
                throw new SocketTimeoutException("proxy " + proxy + " did not open the tunnel within "
                        + timeout.toMillis() + " ms");
            }
        } catch (HttpException e) {
            throw new Failure(Outcome.BAD_RESPONSE, "invalid answer to CONNECT from proxy " + proxy + ": "
                    + e.getMessage(), 0, Headers.empty());
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new SocketTimeoutException("proxy " + proxy + " did not answer CONNECT within "
                        + timeout.toMillis() + " ms");
            }
            if (e instanceof EOFException) {
                throw new EOFException("proxy " + proxy + " closed the connection before answering CONNECT");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }
}
