package io.switchboard.websocket;

import io.switchboard.api.Headers;
import java.util.Objects;

/**
 * What {@link WebSocketClient#connect()} achieved: {@link Outcome#CONNECTED}, or the reason it
 * did not, with the server's HTTP status and headers when the server answered the upgrade
 * request with something other than a valid 101. Immutable.
 */
public final class ConnectResult {

    /** Why a connect attempt ended as it did. */
    public enum Outcome {
        /** The handshake succeeded; the client is open. */
        CONNECTED,
        /** The client was already open; nothing was done. */
        ALREADY_CONNECTED,
        /** The URL could not be parsed or its scheme is not {@code ws}/{@code wss}. */
        INVALID_URL,
        /** The host name did not resolve. */
        UNKNOWN_HOST,
        /** The peer refused the TCP connection. */
        REFUSED,
        /** The TCP connect or the handshake response did not complete within its timeout. */
        TIMEOUT,
        /** Any other I/O failure before the handshake completed. */
        IO_ERROR,
        /** The server answered with a status other than 101; see {@link #httpStatus()}. */
        HANDSHAKE_REJECTED,
        /** The 101 response lacked {@code Upgrade: websocket} or {@code Connection: upgrade}. */
        MISSING_UPGRADE,
        /** The 101 response's {@code Sec-WebSocket-Accept} did not match our key. */
        BAD_ACCEPT,
        /** The server chose a sub-protocol or extension the client did not offer. */
        NEGOTIATION_FAILED,
        /** The response was not valid HTTP. */
        BAD_RESPONSE,
    }

    private final Outcome outcome;
    private final String message;
    private final int httpStatus;
    private final Headers headers;

    ConnectResult(Outcome outcome, String message, int httpStatus, Headers headers) {
        this.outcome = Objects.requireNonNull(outcome);
        this.message = Objects.requireNonNull(message);
        this.httpStatus = httpStatus;
        this.headers = Objects.requireNonNull(headers);
    }

    static ConnectResult failed(Outcome outcome, String message) {
        return new ConnectResult(outcome, message, 0, Headers.empty());
    }

    /** Whether the client is connected now (also true for {@link Outcome#ALREADY_CONNECTED}). */
    public boolean isConnected() {
        return outcome == Outcome.CONNECTED || outcome == Outcome.ALREADY_CONNECTED;
    }

    /** What happened. */
    public Outcome outcome() {
        return outcome;
    }

    /** A human-readable explanation, e.g. {@code "connection refused by 127.0.0.1:9"}. */
    public String message() {
        return message;
    }

    /** The HTTP status of the server's response, or 0 if none was read. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The header fields of the server's response; empty if none was read. */
    public Headers headers() {
        return headers;
    }

    @Override
    public String toString() {
        return outcome + (httpStatus != 0 ? " (HTTP " + httpStatus + ")" : "") + ": " + message;
    }
}
