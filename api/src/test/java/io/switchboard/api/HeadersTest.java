package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Header fields with case-insensitive names (RFC 9110 §5). */
class HeadersTest {

    private final Headers headers = Headers.of(
            "Host", "example.com",
            "Connection", "keep-alive, Upgrade",
            "Sec-WebSocket-Protocol", "chat",
            "sec-websocket-protocol", "superchat, v2");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Sec-WebSocket-Protocol", "sec-websocket-protocol", "SEC-WEBSOCKET-PROTOCOL", "sEc-WeBsOcKeT-pRoToCoL"})
    void namesAreCaseInsensitive(String name) {
        assertTrue(headers.contains(name));
        assertEquals(Optional.of("chat"), headers.first(name));
        assertEquals(List.of("chat", "superchat, v2"), headers.all(name));
    }

    @Test
    void absentNamesGiveEmptyResultsAndNeverThrow() {
        assertFalse(headers.contains("Upgrade"));
        assertEquals(Optional.empty(), headers.first("Upgrade"));
        assertEquals(List.of(), headers.all("Upgrade"));
        assertFalse(headers.containsToken("Upgrade", "websocket"));
        assertEquals(List.of(), Headers.empty().all("Host"));
        assertFalse(Headers.empty().containsToken("", ""));
    }

    @Test
    void allKeepsEveryValueInArrivalOrderAndIsUnmodifiable() {
        List<String> all = headers.all("Sec-WebSocket-Protocol");
        assertEquals(List.of("chat", "superchat, v2"), all);
        assertThrows(UnsupportedOperationException.class, () -> all.add("x"));
    }

    @Test
    void containsTokenReadsCommaListsWithoutRegardToCase() {
        assertTrue(headers.containsToken("connection", "upgrade"));
        assertTrue(headers.containsToken("Connection", "KEEP-ALIVE"));
        assertTrue(headers.containsToken("Sec-WebSocket-Protocol", "v2"));
        assertTrue(headers.containsToken("Sec-WebSocket-Protocol", "superchat"));
    }

    @Test
    void containsTokenMatchesWholeTokensOnly() {
        assertFalse(headers.containsToken("Connection", "upgrad"));
        assertFalse(headers.containsToken("Connection", "keep"));
        assertFalse(headers.containsToken("Connection", "keep-alive, Upgrade"));
        assertFalse(Headers.of("Connection", "upgraded").containsToken("Connection", "upgrade"));
        assertFalse(headers.containsToken("Host", "upgrade"));
    }

    @Test
    void containsTokenLooksAtEveryFieldLine() {
        Headers h = Headers.of("Connection", "keep-alive", "connection", " Upgrade ");
        assertTrue(h.containsToken("Connection", "upgrade"));
    }

    @Test
    void namesAreLowerCasedAndForEachKeepsSpellingAndOrder() {
        assertEquals(Set.of("host", "connection", "sec-websocket-protocol"), headers.names());
        List<String> lines = new ArrayList<>();
        headers.forEach((n, v) -> lines.add(n + ": " + v));
        assertEquals(List.of("Host: example.com", "Connection: keep-alive, Upgrade", "Sec-WebSocket-Protocol: chat",
                "sec-websocket-protocol: superchat, v2"), lines);
        assertEquals(4, headers.size());
    }

    @Test
    void setAndRemoveIgnoreCase() {
        Headers h = headers.toBuilder().set("SEC-websocket-protocol", "one").remove("HOST").build();
        assertEquals(List.of("one"), h.all("Sec-WebSocket-Protocol"));
        assertFalse(h.contains("Host"));
        assertEquals(List.of("keep-alive, Upgrade"), h.all("Connection"));
    }

    @Test
    void builtHeadersAreNotChangedByTheirBuilder() {
        Headers.Builder b = Headers.builder().add("A", "1");
        Headers built = b.build();
        b.add("A", "2").add("B", "3");
        assertEquals(List.of("1"), built.all("A"));
        assertFalse(built.contains("B"));
    }

    @Test
    void toBuilderCopiesEveryLine() {
        assertEquals(headers, headers.toBuilder().build());
        assertEquals(headers.hashCode(), headers.toBuilder().build().hashCode());
        assertNotEquals(headers, headers.toBuilder().add("X", "y").build());
    }

    @Test
    void ofMapAddsOneLinePerValueInOrder() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("B", List.of("1", "2"));
        map.put("a", List.of("3"));
        assertEquals(Headers.of("B", "1", "B", "2", "a", "3"), Headers.of(map));
    }

    @Test
    void oddNumberOfNamesAndValuesIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Headers.of("A", "1", "B"));
    }

    @Test
    void namesMatchWholeAndValuesMayHoldColons() {
        Headers headers = Headers.of("Hostname", "a", "Host", "example.com:8080", "X", "");
        assertEquals(Optional.of("example.com:8080"), headers.first("host"));
        assertEquals(Optional.of("a"), headers.first("HOSTNAME"));
        assertEquals(Optional.empty(), headers.first("Hos"));
        assertEquals(Optional.empty(), headers.first("Host:example.com"));
        assertEquals(Optional.of(""), headers.first("x"));
        assertEquals(3, headers.size());
        assertEquals(Headers.of("Hostname", "a", "Host", "example.com:8080", "X", ""), headers);
        assertNotEquals(Headers.of("Hostname", "a", "Host", "example.com", "X", ":8080"), headers);
    }

    @Test
    void emptyHeadersAreShared() {
        assertSame(Headers.empty(), Headers.builder().build());
        assertEquals(0, Headers.empty().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "nul\u0000", "del\u007f"})
    void valuesWithControlCharactersAreRejected(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Headers.builder().add("X-Test", value));
        assertTrue(e.getMessage().contains("in the value of header field X-Test"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Headers.of("X-Test", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Test", "X:Test", "X-Test\r\n", "(x)", "na\u00efve"})
    void namesThatAreNotTokensAreRejected(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Headers.builder().add(name, "v"));
        assertTrue(e.getMessage().startsWith("invalid header field name '" + name + "'"), e.getMessage());
    }

    @Test
    void tabsAndNonAsciiTextAreFineInValues() {
        Headers h = Headers.of("X-Test", "a\tb", "X-Name", "caf\u00e9 \u2713", "!#$%&'*+-.^_`|~09azAZ", "");
        assertEquals(Optional.of("a\tb"), h.first("x-test"));
        assertEquals(Optional.of("caf\u00e9 \u2713"), h.first("X-Name"));
        assertEquals(Optional.of(""), h.first("!#$%&'*+-.^_`|~09azAZ"));
    }
}
