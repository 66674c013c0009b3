package io.switchboard.api;

/**
 * A WebSocket close status code (RFC 6455 §7.4) with its registered name.
 *
 * <p>The constants cover every code registered by RFC 6455 and the IANA registry up to 1014.
 * Applications may use private codes 3000–4999 (registered libraries/frameworks 3000–3999,
 * private use 4000–4999) through {@link #of(int)}.
 *
 * <p>{@link #NO_STATUS_RECEIVED} (1005), {@link #ABNORMAL_CLOSURE} (1006) and
 * {@link #TLS_HANDSHAKE} (1015) are never sent on the wire; they only report how a connection
 * ended locally. Instances are immutable; codes compare with {@link #equals}.
 */
public final class CloseStatus {

    /** 1000: the purpose of the connection was fulfilled. */
    public static final CloseStatus NORMAL = new CloseStatus(1000, "Normal Closure");
    /** 1001: an endpoint is going away (server shutdown, browser navigating away). */
    public static final CloseStatus GOING_AWAY = new CloseStatus(1001, "Going Away");
    /** 1002: the peer violated the protocol. */
    public static final CloseStatus PROTOCOL_ERROR = new CloseStatus(1002, "Protocol Error");
    /** 1003: the endpoint received a type of data it cannot accept. */
    public static final CloseStatus UNSUPPORTED_DATA = new CloseStatus(1003, "Unsupported Data");
    /** 1005: reported locally when a close frame carried no status code. Never sent. */
    public static final CloseStatus NO_STATUS_RECEIVED = new CloseStatus(1005, "No Status Received");
    /** 1006: reported locally when the connection ended without a close frame. Never sent. */
    public static final CloseStatus ABNORMAL_CLOSURE = new CloseStatus(1006, "Abnormal Closure");
    /** 1007: a message's data was inconsistent with its type (e.g. invalid UTF-8 in text). */
    public static final CloseStatus INVALID_PAYLOAD = new CloseStatus(1007, "Invalid Frame Payload Data");
    /** 1008: a message violated the endpoint's policy. */
    public static final CloseStatus POLICY_VIOLATION = new CloseStatus(1008, "Policy Violation");
    /** 1009: a message was too big to process. */
    public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1009, "Message Too Big");
    /** 1010: the client expected the server to negotiate an extension it did not. */
    public static final CloseStatus MANDATORY_EXTENSION = new CloseStatus(1010, "Mandatory Extension");
    /** 1011: the server met an unexpected condition (e.g. the handler threw). */
    public static final CloseStatus INTERNAL_ERROR = new CloseStatus(1011, "Internal Error");
    /** 1012: the service is restarting (e.g. a handler bundle was updated). */
    public static final CloseStatus SERVICE_RESTART = new CloseStatus(1012, "Service Restart");
    /** 1013: try again later (temporary overload). */
    public static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013, "Try Again Later");
    /** 1014: a gateway or proxy received an invalid response from the upstream server. */
    public static final CloseStatus BAD_GATEWAY = new CloseStatus(1014, "Bad Gateway");
    /** 1015: reported locally when the TLS handshake failed. Never sent. */
    public static final CloseStatus TLS_HANDSHAKE = new CloseStatus(1015, "TLS Handshake");

    private static final CloseStatus[] REGISTERED = {
        NORMAL, GOING_AWAY, PROTOCOL_ERROR, UNSUPPORTED_DATA, null, NO_STATUS_RECEIVED,
        ABNORMAL_CLOSURE, INVALID_PAYLOAD, POLICY_VIOLATION, MESSAGE_TOO_BIG, MANDATORY_EXTENSION,
        INTERNAL_ERROR, SERVICE_RESTART, TRY_AGAIN_LATER, BAD_GATEWAY, TLS_HANDSHAKE,
    };

    private final int code;
    private final String name;

    private CloseStatus(int code, String name) {
        this.code = code;
        this.name = name;
    }

    /**
     * Returns the status for {@code code}: the registered constant for 1000–1015, or an
     * application status for 3000–4999.
     *
     * @throws IllegalArgumentException for 1004 (reserved), codes below 1000, 1016–2999 and
     *     above 4999
     */
    public static CloseStatus of(int code) {
        if (code >= 1000 && code <= 1015 && REGISTERED[code - 1000] != null) {
            return REGISTERED[code - 1000];
        }
        if (code >= 3000 && code <= 4999) {
            return new CloseStatus(code, code < 4000 ? "Registered " + code : "Private " + code);
        }
        throw new IllegalArgumentException("not a usable close code: " + code
                + " (expected 1000-1003, 1005-1015 or 3000-4999)");
    }

    /** The numeric code. */
    public int code() {
        return code;
    }

    /** The registered name, e.g. {@code "Normal Closure"}. */
    public String name() {
        return name;
    }

    /**
     * Whether this code may appear in a close frame on the wire (RFC 6455 §7.4.1–7.4.2):
     * true for 1000–1003, 1007–1014 and 3000–4999; false for 1005, 1006 and 1015.
     */
    public boolean isSendable() {
        return code != 1005 && code != 1006 && code != 1015;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloseStatus other && other.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return code + " " + name;
    }
}
