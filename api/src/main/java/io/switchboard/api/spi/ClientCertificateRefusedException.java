package io.switchboard.api.spi;

import javax.net.ssl.SSLHandshakeException;

/**
 * Thrown by a TLS transport's {@code connect} when the server refused the handshake over the
 * client's certificate: it asked for one the client did not have, or rejected the one sent, in
 * cases where the TLS alert alone does not say so (a TLS 1.2 server may answer a missing
 * certificate with a generic {@code handshake_failure}).
 */
public class ClientCertificateRefusedException extends SSLHandshakeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, naming the server
     * @param cause the handshake failure as the TLS implementation reported it
     */
    public ClientCertificateRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
