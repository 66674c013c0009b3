package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Responses of HTTP handlers: bodies, lengths, and the header fields a handler may not forge. */
class ResponseTest {

    @Test
    void textIsUtf8WithItsLength() throws Exception {
        Response r = Response.text(200, "grüß");
        assertEquals("text/plain; charset=utf-8", r.contentType());
        assertEquals(6, r.length());
        assertArrayEquals("grüß".getBytes(StandardCharsets.UTF_8), r.body().readAllBytes());
        assertArrayEquals("grüß".getBytes(StandardCharsets.UTF_8), r.body().readAllBytes(), "a fresh stream each time");
    }

    @Test
    void aStreamHasAnUnknownOrAGivenLength() {
        assertEquals(-1, Response.stream(200, "application/octet-stream", new ByteArrayInputStream(new byte[3])).length());
        assertEquals(3, Response.stream(200, "application/octet-stream", 3, new ByteArrayInputStream(new byte[3])).length());
        assertThrows(IllegalArgumentException.class,
                () -> Response.stream(200, "x/y", -2, new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void headersThatCouldSplitTheResponseOrThatTheServerSetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Response.text(200, "x").withHeader("X-A", "a\r\nSet-Cookie: b"));
        assertThrows(IllegalArgumentException.class, () -> Response.text(200, "x").withHeader("X A", "a"));
        assertThrows(IllegalArgumentException.class, () -> Response.text(200, "x").withHeader("Content-Length", "9"));
        assertThrows(IllegalArgumentException.class, () -> Response.text(200, "x").withHeader("connection", "close"));
        assertThrows(IllegalArgumentException.class, () -> Response.of(200, "text/html\r\nX: y", "x"));
        assertEquals("no-store", Response.text(200, "x").withHeader("Cache-Control", "no-store").headers()
                .first("Cache-Control").orElseThrow());
    }

    @Test
    void statusesOutside200To599AndBodiesOn204AreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Response.text(101, "x"));
        assertThrows(IllegalArgumentException.class, () -> Response.text(600, "x"));
        assertThrows(IllegalArgumentException.class, () -> Response.text(204, "x"));
        assertEquals(204, Response.empty(204).status());
    }
}
