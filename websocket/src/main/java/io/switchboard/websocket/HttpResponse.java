package io.switchboard.websocket;

import io.switchboard.api.Headers;
import java.util.Objects;

/**
 * A plain HTTP response that a {@link PreUpgradeHook} sends instead of upgrading, e.g.
 * {@code HttpResponse.of(401, "login first").withHeaders(Headers.of("WWW-Authenticate", "Bearer"))}.
 * The server adds {@code Content-Type}, {@code Content-Length} and {@code Connection: close}.
 *
 * @param status a status from 200 to 599 other than 101
 * @param headers extra header fields
 * @param body a plain-text body, possibly empty
 */
public record HttpResponse(int status, Headers headers, String body) {

    /** Checks the status range and that nothing is null. */
    public HttpResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599, got " + status);
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** A response with {@code status}, no extra headers, and {@code body}. */
    public static HttpResponse of(int status, String body) {
        return new HttpResponse(status, Headers.empty(), body);
    }

    /** This response with {@code headers} instead of its own. */
    public HttpResponse withHeaders(Headers headers) {
        return new HttpResponse(status, headers, body);
    }
}
