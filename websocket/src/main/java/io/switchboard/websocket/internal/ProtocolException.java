package io.switchboard.websocket.internal;

import io.switchboard.api.CloseStatus;

/**
 * The peer broke a rule of RFC 6455 or a limit of ours. Carries the close status to send; the
 * session turns it into a close frame in one place.
 */
public final class ProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CloseStatus status;

    ProtocolException(CloseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ProtocolException protocolError(String message) {
        return new ProtocolException(CloseStatus.PROTOCOL_ERROR, message);
    }

    static ProtocolException invalidPayload(String message) {
        return new ProtocolException(CloseStatus.INVALID_PAYLOAD, message);
    }

    /** The status to close the connection with. */
    public CloseStatus status() {
        return status;
    }
}
