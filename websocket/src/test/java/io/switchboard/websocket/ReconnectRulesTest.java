package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Headers;
import io.switchboard.websocket.ConnectResult.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The reconnecting client's default rules: which failures are retried, which closes reconnect. */
class ReconnectRulesTest {

    private static ConnectResult rejected(Outcome outcome, int status) {
        return new ConnectResult(outcome, "answered " + status, status, Headers.empty());
    }

    @ParameterizedTest(name = "{0} retried: {1}")
    @CsvSource({"408, true", "425, true", "429, true", "500, true", "502, true", "503, true", "504, true",
            "400, false", "401, false", "403, false", "404, false", "405, false", "406, false", "409, false",
            "410, false", "426, false", "431, false", "301, false", "501, false", "505, false", "511, false"})
    void httpAnswers(int status, boolean retried) {
        assertEquals(retried, ReconnectingWebSocketClient.isRetryable(rejected(Outcome.HANDSHAKE_REJECTED, status)));
        assertEquals(retried, ReconnectingWebSocketClient.isRetryable(rejected(Outcome.PROXY_REJECTED, status)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Outcome.class, names = {"REFUSED", "TIMEOUT", "IO_ERROR", "UNKNOWN_HOST", "BAD_RESPONSE",
            "TLS_HANDSHAKE_FAILED", "PROXY_REFUSED"})
    void failuresThatMayPassAreRetried(Outcome outcome) {
        assertEquals(true, ReconnectingWebSocketClient.isRetryable(ConnectResult.failed(outcome, "x")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Outcome.class, names = {"INVALID_URL", "MISSING_UPGRADE", "BAD_ACCEPT", "NEGOTIATION_FAILED",
            "TLS_UNTRUSTED", "TLS_HOSTNAME_MISMATCH", "TLS_CLIENT_CERT_REJECTED", "PROXY_AUTH_REQUIRED", "CLOSED"})
    void failuresThatWillNotChangeAreNot(Outcome outcome) {
        assertEquals(false, ReconnectingWebSocketClient.isRetryable(ConnectResult.failed(outcome, "x")));
    }

    @ParameterizedTest(name = "{0} reconnects: {1}")
    @CsvSource({"1000, false", "1001, true", "1002, false", "1003, false", "1005, false", "1006, true",
            "1007, false", "1008, false", "1009, false", "1010, false", "1011, true", "1012, true", "1013, true",
            "1014, true", "1015, false", "3000, false", "4000, false", "4999, false"})
    void closeStatuses(int code, boolean reconnects) {
        assertEquals(reconnects, ReconnectingWebSocketClient.reconnectsAfter(CloseStatus.of(code)));
    }
}
