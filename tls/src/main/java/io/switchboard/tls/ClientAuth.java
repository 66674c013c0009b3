package io.switchboard.tls;

/** Whether a {@link TlsServer} asks clients for a certificate (TLS client authentication). */
public enum ClientAuth {
    /** No client certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one is served, one with an untrusted one is refused. */
    WANT,
    /** A trusted client certificate is required; the handshake fails without one. */
    NEED,
}
