package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading an HTTP/1.1 head (RFC 9112 §2–5) without consuming what follows it. */
class HttpHeadTest {

    private static final int LIMIT = 8192;

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static HttpHead read(String text) throws Exception {
        return HttpHead.read(stream(text), LIMIT);
    }

    private static int status(String text, int limit) {
        return assertThrows(HttpException.class, () -> HttpHead.read(stream(text), limit)).status();
    }

    @Test
    void readsStartLineAndFieldsEndedByCrlf() throws Exception {
        HttpHead head = read("GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n");
        assertEquals("GET /chat HTTP/1.1", head.startLine());
        assertEquals(Headers.of("Host", "example.com", "Upgrade", "websocket"), head.headers());
    }

    @Test
    void acceptsBareLfLineEnds() throws Exception {
        HttpHead head = read("GET /chat HTTP/1.1\nHost: example.com\r\nUpgrade: websocket\n\n");
        assertEquals("GET /chat HTTP/1.1", head.startLine());
        assertEquals(Headers.of("Host", "example.com", "Upgrade", "websocket"), head.headers());
    }

    @Test
    void headWithoutFieldsHasEmptyHeaders() throws Exception {
        HttpHead head = read("HTTP/1.1 101 Switching Protocols\r\n\r\n");
        assertEquals("HTTP/1.1 101 Switching Protocols", head.startLine());
        assertEquals(0, head.headers().size());
    }

    @Test
    void repeatedFieldsKeepEveryValueInOrder() throws Exception {
        HttpHead head = read("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: chat\r\nX-Other: 1\r\n"
                + "sec-websocket-protocol: superchat, v2\r\n\r\n");
        assertEquals(List.of("chat", "superchat, v2"), head.headers().all("Sec-WebSocket-Protocol"));
        assertEquals(3, head.headers().size());
    }

    @Test
    void valuesAreTrimmedOfSurroundingWhitespace() throws Exception {
        HttpHead head = read("GET / HTTP/1.1\r\nHost:example.com\r\nX-A: \t padded \t\r\nX-Empty:\r\n\r\n");
        assertEquals(List.of("example.com"), head.headers().all("Host"));
        assertEquals(List.of("padded"), head.headers().all("X-A"));
        assertEquals(List.of(""), head.headers().all("X-Empty"));
    }

    @Test
    void valueMayContainColonsAndObsText() throws Exception {
        HttpHead head = read("GET / HTTP/1.1\r\nOrigin: http://example.com:8080\r\nX-Latin: caf\u00e9\r\n\r\n");
        assertEquals(List.of("http://example.com:8080"), head.headers().all("Origin"));
        assertEquals(List.of("caf\u00e9"), head.headers().all("X-Latin"));
    }

    @Test
    void linesLongerThanTheInitialBufferAreReadWhole() throws Exception {
        String value = "v".repeat(1000);
        HttpHead head = read("GET / HTTP/1.1\r\nX-Long: " + value + "\r\n\r\n");
        assertEquals(List.of(value), head.headers().all("X-Long"));
    }

    @Test
    void oneEmptyLineBeforeTheStartLineIsIgnored() throws Exception {
        assertEquals("GET / HTTP/1.1", read("\r\nGET / HTTP/1.1\r\n\r\n").startLine());
        assertEquals("GET / HTTP/1.1", read("\nGET / HTTP/1.1\n\n").startLine());
    }

    @Test
    void nothingIsReadPastTheBlankLine() throws Exception {
        InputStream in = new ByteArrayInputStream(
                "GET / HTTP/1.1\r\nHost: a\r\n\r\n\u0081\u0085rest".getBytes(StandardCharsets.ISO_8859_1));
        HttpHead.read(in, LIMIT);
        assertEquals(0x81, in.read());
        assertEquals(0x85, in.read());
        assertEquals("rest", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest(name = "fold starting with {0}")
    @ValueSource(strings = {" ", "\t"})
    void obsoleteLineFoldingIsRejected(String fold) {
        assertEquals(400, status("GET / HTTP/1.1\r\nX-A: one\r\n" + fold + "two\r\n\r\n", LIMIT));
    }

    @Test
    void foldedFirstFieldLineIsRejected() {
        assertEquals(400, status("GET / HTTP/1.1\r\n Host: a\r\n\r\n", LIMIT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Host : a", "Host\t: a"})
    void whitespaceBeforeTheColonIsRejected(String line) {
        assertEquals(400, status("GET / HTTP/1.1\r\n" + line + "\r\n\r\n", LIMIT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no colon here", ": empty name", "Bad(Name): x", "Na\"me: x", "X-A: bell\u0007", "X-A: del\u007f"})
    void malformedFieldLinesAreRejected(String line) {
        assertEquals(400, status("GET / HTTP/1.1\r\n" + line + "\r\n\r\n", LIMIT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X\u001b[2J\rINFO: forged: y", "no colon\r\u009b\u0000 here"})
    void peerBytesQuotedInTheErrorAreFreeOfControlCharacters(String line) {
        String message = assertThrows(HttpException.class,
                () -> read("GET / HTTP/1.1\r\n" + line + "\r\n\r\n")).getMessage();
        assertTrue(message.chars().noneMatch(Character::isISOControl), message);
    }

    @Test
    void headLargerThanTheLimitIsRejectedWith431() {
        String head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assertEquals(431, status(head, head.length() - 1));
        assertEquals(431, status("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n", LIMIT));
    }

    @Test
    void headOfExactlyTheLimitIsAccepted() throws Exception {
        String head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assertEquals("GET / HTTP/1.1", HttpHead.read(stream(head), head.length()).startLine());
    }

    @Test
    void endlessHeadIsCutOffAtTheLimitWithoutReadingFurther() {
        byte[] endless = ("GET / HTTP/1.1\r\nX: " + "x".repeat(200)).getBytes(StandardCharsets.ISO_8859_1);
        PieceInputStream in = PieceInputStream.failingPast(endless, 100);
        assertEquals(431, assertThrows(HttpException.class, () -> HttpHead.read(in, 99)).status());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "GET", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r"})
    void endOfStreamBeforeTheBlankLineIsEof(String text) {
        assertThrows(EOFException.class, () -> read(text));
    }
}
