package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.api.Headers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Query parameters of an upgrade request: decoded, in order, repeated names kept. */
class UpgradeRequestTest {

    @Test
    void parametersAreDecodedAndKeptInOrderWithRepeatedNames() {
        Map<String, List<String>> query = UpgradeRequest.parseQuery("b=x%20y&a=1&b=%C3%BC&flag&empty=");
        assertEquals(List.of("b", "a", "flag", "empty"), List.copyOf(query.keySet()));
        assertEquals(List.of("x y", "ü"), query.get("b"));
        assertEquals(List.of("1"), query.get("a"));
        assertEquals(List.of(""), query.get("flag"));
        assertEquals(List.of(""), query.get("empty"));
    }

    @Test
    void emptyPairsAndAbsentQueryGiveNoParameters() {
        assertEquals(Map.of(), UpgradeRequest.parseQuery(null));
        assertEquals(Map.of(), UpgradeRequest.parseQuery(""));
        assertEquals(Map.of("a", List.of("1")), UpgradeRequest.parseQuery("&&a=1&"));
    }

    @Test
    void malformedEscapeIsKeptAsWritten() {
        assertEquals(Map.of("a", List.of("100%"), "b", List.of("%zz")), UpgradeRequest.parseQuery("a=100%&b=%zz"));
    }

    @Test
    void parametersAreUnmodifiable() {
        Map<String, List<String>> query = UpgradeRequest.parseQuery("a=1");
        assertThrows(UnsupportedOperationException.class, () -> query.put("b", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> query.get("a").add("2"));
    }

    @Test
    void requestExposesRawQueryAndFirstParameter() {
        UpgradeRequest r = UpgradeRequest.of("GET", "/chat", "room=1&room=2", Headers.empty(), null, null);
        assertEquals(Optional.of("room=1&room=2"), r.rawQuery());
        assertEquals(Optional.of("1"), r.queryParameter("room"));
        assertEquals("GET /chat?room=1&room=2", r.toString());
        assertEquals(Optional.empty(), UpgradeRequest.of("GET", "/", null, Headers.empty(), null, null).rawQuery());
    }
}
