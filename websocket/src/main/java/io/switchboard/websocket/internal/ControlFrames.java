package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PING;
import static io.switchboard.websocket.internal.WebSocketProtocol.OPCODE_PONG;
import static io.switchboard.websocket.internal.WebSocketProtocol.PAYLOAD_CONTROL_MAX;

import io.switchboard.api.CloseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The receiving rules of control frames (RFC 6455 §5.5) for the {@link FrameReader}: a control
 * frame is final and carries at most 125 bytes; a close frame's body is empty or a valid code
 * followed by a UTF-8 reason (§5.5.1, §7.4). Pings, pongs and valid close frames go to the
 * reader's {@link FrameReader.Callback}.
 *
 * <p>Static only: the reader holds no state for control frames beyond its header buffer, so an
 * idle session holds nothing more for them. Pure protocol code; thread-safe (no state).
 */
final class ControlFrames {

    private ControlFrames() {
    }

    /**
     * Checks a control frame's header before its payload is read.
     *
     * @throws ProtocolException 1002 if the frame is fragmented or its payload is over 125 bytes
     */
    static void checkHeader(int opcode, boolean fin, long length) {
        if (!fin) {
            throw ProtocolException.protocolError(
                    WebSocketProtocol.opcodeName(opcode) + " frame must not be fragmented");
        }
        if (length > PAYLOAD_CONTROL_MAX) {
            throw ProtocolException.protocolError(WebSocketProtocol.opcodeName(opcode)
                    + " frame payload is " + length + " bytes, the limit is 125");
        }
    }

    /**
     * Hands a control frame's unmasked payload to {@code callback}.
     *
     * @return true if it was a close frame (the reader then stops)
     * @throws ProtocolException 1002 for a 1-byte close body or a code that must not be sent,
     *     1007 for a reason that is not UTF-8
     */
    static boolean deliver(int opcode, byte[] payload, FrameReader.Callback callback) throws IOException {
        switch (opcode) {
            case OPCODE_PING -> callback.onPing(payload);
            case OPCODE_PONG -> callback.onPong(payload);
            default -> {
                if (payload.length == 1) {
                    throw ProtocolException.protocolError("close frame payload of 1 byte; a code needs 2");
                }
                if (payload.length == 0) {
                    callback.onClose(CloseStatus.NO_STATUS_RECEIVED.code(), "");
                    return true;
                }
                int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                String error = WebSocketProtocol.closeCodeError(code);
                if (error != null) {
                    throw ProtocolException.protocolError(error);
                }
                Utf8Validator reasonCheck = new Utf8Validator();
                if (reasonCheck.feed(payload, 2, payload.length - 2) != -1 || !reasonCheck.isComplete()) {
                    throw ProtocolException.invalidPayload("close reason is not valid UTF-8");
                }
                callback.onClose(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
                return true;
            }
        }
        return false;
    }
}
