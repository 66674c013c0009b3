package io.switchboard.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NoticesTest {

    @Test
    void noticesAreOneJsonObjectEach() {
        assertEquals("{\"type\":\"join\",\"room\":\"lobby\",\"name\":\"ann\",\"count\":2}", Notices.join("lobby", "ann", 2));
        assertEquals("{\"type\":\"leave\",\"room\":\"r\",\"name\":\"bob\",\"count\":0}", Notices.leave("r", "bob", 0));
        assertEquals("{\"type\":\"message\",\"room\":\"r\",\"name\":\"ann\",\"text\":\"hi\"}", Notices.message("r", "ann", "hi"));
    }

    @Test
    void stringsEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u2028é😀<b>\"", Notices.string("a\"b\\c\n\r\t\u0001\u2028é😀<b>"));
    }
}
