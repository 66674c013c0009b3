package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Close status codes (RFC 6455 §7.4). */
class CloseStatusTest {

    private static final List<CloseStatus> REGISTERED = List.of(
            CloseStatus.NORMAL, CloseStatus.GOING_AWAY, CloseStatus.PROTOCOL_ERROR, CloseStatus.UNSUPPORTED_DATA,
            CloseStatus.NO_STATUS_RECEIVED, CloseStatus.ABNORMAL_CLOSURE, CloseStatus.INVALID_PAYLOAD,
            CloseStatus.POLICY_VIOLATION, CloseStatus.MESSAGE_TOO_BIG, CloseStatus.MANDATORY_EXTENSION,
            CloseStatus.INTERNAL_ERROR, CloseStatus.SERVICE_RESTART, CloseStatus.TRY_AGAIN_LATER,
            CloseStatus.BAD_GATEWAY, CloseStatus.TLS_HANDSHAKE);

    @Test
    void ofReturnsTheRegisteredConstantForEachRegisteredCode() {
        for (CloseStatus status : REGISTERED) {
            assertSame(status, CloseStatus.of(status.code()), status.toString());
        }
    }

    @Test
    void registeredConstantsHaveTheirRfcCodes() {
        assertEquals(List.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015),
                REGISTERED.stream().map(CloseStatus::code).toList());
        assertEquals("Normal Closure", CloseStatus.NORMAL.name());
        assertEquals("1002 Protocol Error", CloseStatus.PROTOCOL_ERROR.toString());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {3000, 3999, 4000, 4999})
    void applicationCodesAreAccepted(int code) {
        CloseStatus status = CloseStatus.of(code);
        assertEquals(code, status.code());
        assertEquals((code < 4000 ? "Registered " : "Private ") + code, status.name());
        assertTrue(status.isSendable());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 999, 1004, 1016, 2000, 2999, 5000, 65535, Integer.MAX_VALUE})
    void unusableCodesAreRejected(int code) {
        assertThrows(IllegalArgumentException.class, () -> CloseStatus.of(code));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1005, 1006, 1015})
    void localOnlyCodesAreNotSendable(int code) {
        assertFalse(CloseStatus.of(code).isSendable());
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014})
    void otherRegisteredCodesAreSendable(int code) {
        assertTrue(CloseStatus.of(code).isSendable());
    }

    @Test
    void statusesAreEqualByCode() {
        assertEquals(CloseStatus.of(3000), CloseStatus.of(3000));
        assertEquals(CloseStatus.of(3000).hashCode(), CloseStatus.of(3000).hashCode());
        assertNotEquals(CloseStatus.of(3000), CloseStatus.of(3001));
        assertNotEquals(CloseStatus.NORMAL, CloseStatus.GOING_AWAY);
    }
}
