package io.switchboard.websocket;

import io.switchboard.api.Headers;
import io.switchboard.api.spi.ClientCertificateRefusedException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

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
        /**
         * The TLS handshake failed for a reason other than the three below, e.g. no protocol
         * version or cipher suite in common, or the peer does not speak TLS.
         */
        TLS_HANDSHAKE_FAILED,
        /** The server's certificate chain does not lead to a trusted CA (or is expired). */
        TLS_UNTRUSTED,
        /** The server's certificate is trusted but not issued for the host name or address. */
        TLS_HOSTNAME_MISMATCH,
        /** The server refused the client certificate, or required one the client did not send. */
        TLS_CLIENT_CERT_REJECTED,
        /** The HTTP proxy refused the TCP connection. */
        PROXY_REFUSED,
        /**
         * The HTTP proxy answered {@code CONNECT} with 407 (or 401): it wants credentials, or
         * refused those sent; its challenge is in {@link #headers()} ({@code Proxy-Authenticate}).
         */
        PROXY_AUTH_REQUIRED,
        /**
         * The HTTP proxy answered {@code CONNECT} with a status other than 2xx and 407, e.g. 403
         * (port not allowed) or 502 (the server is unreachable from the proxy); see {@link
         * #httpStatus()}.
         */
        PROXY_REJECTED,
        /**
         * {@link ReconnectingWebSocketClient}: {@code close()} was called (or the connecting
         * thread interrupted) while it was connecting or waiting between attempts.
         */
        CLOSED,
    }

    /** How the JDK words an alert from the peer, e.g. "(bad_certificate) Received fatal alert: bad_certificate". */
    private static final String RECEIVED_ALERT = "Received fatal alert: ";

    /** TLS alerts a server sends when it refuses the client's certificate (RFC 8446 §6.2). */
    private static final List<String> CLIENT_CERT_ALERTS = List.of(
            "bad_certificate", "certificate_required", "certificate_unknown", "unknown_ca",
            "certificate_expired", "certificate_revoked", "unsupported_certificate");

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

    /**
     * Classifies a TLS failure of a connect attempt to {@code peer} by its cause chain: a
     * certificate path that cannot be built or validated is untrusted; a certificate error
     * about subject alternative names is a host-name mismatch; a certificate alert received
     * from the server, or the transport's {@link ClientCertificateRefusedException}, means it
     * refused our certificate (or its absence); anything else is a failed handshake.
     */
    static ConnectResult tlsFailed(SSLException e, String peer) {
        String detail = e.getMessage() == null ? e.toString() : e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientCertificateRefusedException) {
                return failed(Outcome.TLS_CLIENT_CERT_REJECTED, detail);
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return failed(Outcome.TLS_UNTRUSTED, "the certificate of " + peer + " is not trusted: " + detail);
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateException
                    && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return failed(Outcome.TLS_HOSTNAME_MISMATCH, "the certificate of " + peer
                        + " does not match its name: " + detail);
            }
            int alert = m.indexOf(RECEIVED_ALERT);
            if (alert >= 0 && CLIENT_CERT_ALERTS.contains(m.substring(alert + RECEIVED_ALERT.length()).strip())) {
                return failed(Outcome.TLS_CLIENT_CERT_REJECTED, peer + " refused the client certificate: " + detail);
            }
        }
        return failed(Outcome.TLS_HANDSHAKE_FAILED, "TLS handshake with " + peer + " failed: " + detail);
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

    /**
     * The HTTP status of the server's response, or of the proxy's answer to {@code CONNECT} for
     * the proxy outcomes; 0 if none was read.
     */
    public int httpStatus() {
        return httpStatus;
    }

    /** The header fields of that response (server's or proxy's); empty if none was read. */
    public Headers headers() {
        return headers;
    }

    @Override
    public String toString() {
        return outcome + (httpStatus != 0 ? " (HTTP " + httpStatus + ")" : "") + ": " + message;
    }
}
