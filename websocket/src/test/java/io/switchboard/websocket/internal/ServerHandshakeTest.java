package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.websocket.internal.HttpHead.HttpException;
import io.switchboard.websocket.internal.ServerHandshake.RequestLine;
import io.switchboard.websocket.internal.ServerHandshake.Rejection;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's opening handshake checks (RFC 6455 §4.2.1, RFC 9112 §3). */
class ServerHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /** The §1.2 example request's fields. */
    private static Headers.Builder valid() {
        return Headers.builder()
                .add("Host", "server.example.com")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", KEY)
                .add("Origin", "http://example.com")
                .add("Sec-WebSocket-Version", "13");
    }

    private static Rejection rejected(String method, Headers headers) {
        return assertThrows(Rejection.class, () -> ServerHandshake.validate(method, headers));
    }

    private static int parseStatus(String line) {
        return assertThrows(HttpException.class, () -> ServerHandshake.parseRequestLine(line)).status();
    }

    // request line

    @Test
    void parsesOriginFormWithoutQuery() {
        assertEquals(new RequestLine("GET", "/chat", null), ServerHandshake.parseRequestLine("GET /chat HTTP/1.1"));
    }

    @Test
    void parsesOriginFormWithRawQueryAndDecodedPath() {
        assertEquals(new RequestLine("GET", "/a b/ü", "x=1&y=%20z"),
                ServerHandshake.parseRequestLine("GET /a%20b/%C3%BC?x=1&y=%20z HTTP/1.1"));
    }

    @Test
    void parsesAbsoluteForm() {
        assertEquals(new RequestLine("GET", "/chat", "x=1"),
                ServerHandshake.parseRequestLine("GET http://server.example.com:8080/chat?x=1 HTTP/1.1"));
        assertEquals(new RequestLine("GET", "/", null),
                ServerHandshake.parseRequestLine("GET https://server.example.com HTTP/1.1"));
    }

    @Test
    void originFormPathStartingWithTwoSlashesIsAPathNotAnAuthority() {
        // RFC 9112 §3.2.1: origin-form is absolute-path ["?" query]; "//x/admin" has an empty
        // first segment. It must not be read as authority "x" with path "/admin".
        assertEquals(new RequestLine("GET", "//x/admin", "q=1"), ServerHandshake.parseRequestLine("GET //x/admin?q=1 HTTP/1.1"));
    }

    @Test
    void methodIsKeptAsWritten() {
        assertEquals("POST", ServerHandshake.parseRequestLine("POST / HTTP/1.1").method());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.0", "HTTP/2.0", "HTTP/1.10", "HTTP/3"})
    void otherHttpVersionsAreRejectedWith505(String version) {
        assertEquals(505, parseStatus("GET / " + version));
    }

    @Test
    void higherMinorVersionsOfHttp1AreReadAsHttp11() throws Exception {
        assertEquals(new RequestLine("GET", "/chat", null), ServerHandshake.parseRequestLine("GET /chat HTTP/1.2"));
        assertEquals(new RequestLine("GET", "/chat", null), ServerHandshake.parseRequestLine("GET /chat HTTP/1.9"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "garbage", "", "GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET / http/1.1",
        "GET / FOO/1.1", "G(T / HTTP/1.1", "GET * HTTP/1.1", "GET chat HTTP/1.1", "GET /a%zz HTTP/1.1",
        "GET ftp://host/ HTTP/1.1"})
    void malformedRequestLinesAreRejectedWith400(String line) {
        assertEquals(400, parseStatus(line));
    }

    // upgrade fields

    @Test
    void validRequestIsAnsweredWithTheRfcAcceptValue() {
        assertEquals(ACCEPT, ServerHandshake.validate("GET", valid().build()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "HEAD", "get"})
    void methodOtherThanGetIsRejectedWith405AndAllow(String method) {
        Rejection r = rejected(method, valid().build());
        assertEquals(405, r.status());
        assertEquals(List.of("GET"), r.headers().all("Allow"));
    }

    @Test
    void requestWithoutUpgradeIsRejectedWith426AndTheVersion() {
        Rejection r = rejected("GET", valid().remove("Upgrade").build());
        assertEquals(426, r.status());
        assertEquals(List.of("13"), r.headers().all("Sec-WebSocket-Version"));
        assertEquals(List.of("websocket"), r.headers().all("Upgrade"));
    }

    @Test
    void upgradeToAnotherProtocolIsRejectedWith426() {
        Rejection r = rejected("GET", valid().set("Upgrade", "h2c").build());
        assertEquals(426, r.status());
        assertEquals(List.of("13"), r.headers().all("Sec-WebSocket-Version"));
    }

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"keep-alive", "close", "upgraded", ""})
    void connectionWithoutTheUpgradeTokenIsRejectedWith400(String connection) {
        assertEquals(400, rejected("GET", valid().set("Connection", connection).build()).status());
    }

    @Test
    void theVersionQuotedInTheErrorIsShortAndFreeOfControlCharacters() {
        String message = assertThrows(HttpException.class,
                () -> ServerHandshake.parseRequestLine("GET / HTTP/1.1\rINFO:forged" + "x".repeat(8000))).getMessage();
        assertTrue(message.chars().noneMatch(Character::isISOControl), message);
        assertTrue(message.length() < 200, message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: 5", "Transfer-Encoding: chunked"})
    void requestWithABodyIsRejectedWith400(String field) {
        int colon = field.indexOf(':');
        Headers headers = valid().add(field.substring(0, colon), field.substring(colon + 1).strip()).build();
        assertEquals(400, rejected("GET", headers).status());
    }

    @Test
    void emptyContentLengthIsAccepted() {
        assertEquals(ACCEPT, ServerHandshake.validate("GET", valid().add("Content-Length", "0").build()));
    }

    @Test
    void missingConnectionIsRejectedWith400() {
        assertEquals(400, rejected("GET", valid().remove("Connection").build()).status());
    }

    @Test
    void tokensAreCaseInsensitiveAndFoundInCommaLists() {
        Headers headers = valid()
                .set("upgrade", "h2c, WebSocket")
                .set("CONNECTION", "keep-alive, Upgrade")
                .build();
        assertEquals(ACCEPT, ServerHandshake.validate("GET", headers));
    }

    @Test
    void tokensAreFoundAcrossSeveralFieldLines() {
        Headers headers = valid()
                .remove("Connection").add("Connection", "keep-alive").add("connection", "UPGRADE")
                .remove("Upgrade").add("Upgrade", "h2c").add("Upgrade", "websocket")
                .build();
        assertEquals(ACCEPT, ServerHandshake.validate("GET", headers));
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(strings = {"8", "12", "14", "13, 8", ""})
    void otherVersionsAreRejectedWith426NamingVersion13(String version) {
        Rejection r = rejected("GET", valid().set("Sec-WebSocket-Version", version).build());
        assertEquals(426, r.status());
        assertEquals(List.of("13"), r.headers().all("Sec-WebSocket-Version"));
    }

    @Test
    void missingOrRepeatedVersionIsRejectedWith426() {
        assertEquals(426, rejected("GET", valid().remove("Sec-WebSocket-Version").build()).status());
        assertEquals(426, rejected("GET", valid().add("Sec-WebSocket-Version", "13").build()).status());
    }

    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {
        "", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===",
        "AAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==", "dGhlIHNhbXBsZSBub25jZQ==x"})
    void keyThatIsNotBase64Of16BytesIsRejectedWith400(String key) {
        assertEquals(400, rejected("GET", valid().set("Sec-WebSocket-Key", key).build()).status());
    }

    @Test
    void missingOrRepeatedKeyIsRejectedWith400() {
        assertEquals(400, rejected("GET", valid().remove("Sec-WebSocket-Key").build()).status());
        assertEquals(400, rejected("GET", valid().add("Sec-WebSocket-Key", KEY).build()).status());
    }

    @Test
    void missingOrRepeatedHostIsRejectedWith400() {
        assertEquals(400, rejected("GET", valid().remove("Host").build()).status());
        assertEquals(400, rejected("GET", valid().add("Host", "other.example.com").build()).status());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a b", "example.com/x", "user@example.com", "example.com:http", "[::1", "::1",
        "[::1]x", "example.com:80:80", "exa\"mple.com"})
    void hostThatIsNotAHostAndPortIsRejectedWith400(String host) {
        assertEquals(400, rejected("GET", valid().set("Host", host).build()).status());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "example.com:8080", "127.0.0.1", "[::1]:8080", "[fe80::1%25eth0]", "my_host:80",
        "xn--bcher-kva.example", "example.com:"})
    void hostAndOptionalPortAreAccepted(String host) {
        assertEquals(ACCEPT, ServerHandshake.validate("GET", valid().set("Host", host).build()));
    }

    // sub-protocols and responses

    @Test
    void offeredProtocolsAreCollectedFromEveryFieldLine() {
        Headers headers = valid()
                .add("Sec-WebSocket-Protocol", "chat, superchat")
                .add("sec-websocket-protocol", " v2.chat ,, ")
                .build();
        assertEquals(List.of("chat", "superchat", "v2.chat"), ServerHandshake.offeredProtocols(headers));
    }

    @Test
    void noOfferedProtocolsGiveAnEmptyList() {
        assertEquals(List.of(), ServerHandshake.offeredProtocols(valid().build()));
    }

    @Test
    void switchingProtocolsResponseHasTheRfcFields() {
        String response = new String(ServerHandshake.switchingProtocols(ACCEPT, Optional.of("chat")), StandardCharsets.ISO_8859_1);
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + ACCEPT + "\r\nSec-WebSocket-Protocol: chat\r\n\r\n", response);
    }

    @Test
    void switchingProtocolsResponseIsAcceptedByTheClientCheck() throws Exception {
        byte[] response = ServerHandshake.switchingProtocols(ACCEPT, Optional.empty());
        HttpHead head = HttpHead.read(new ByteArrayInputStream(response), 1024);
        assertEquals(Optional.empty(), ClientHandshake.validateResponse(head, KEY, List.of()));
    }

    @Test
    void errorResponseCarriesStatusExtraHeadersAndBodyLength() throws Exception {
        byte[] bytes = ServerHandshake.errorResponse(426, "upgrade please ü", Headers.of("Sec-WebSocket-Version", "13"));
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        HttpHead head = HttpHead.read(in, 1024);
        byte[] body = in.readAllBytes();

        assertEquals("HTTP/1.1 426 Upgrade Required", head.startLine());
        assertEquals(List.of("13"), head.headers().all("Sec-WebSocket-Version"));
        assertEquals(List.of("close"), head.headers().all("Connection"));
        assertEquals(List.of(String.valueOf(body.length)), head.headers().all("Content-Length"));
        assertEquals("upgrade please ü\n", new String(body, StandardCharsets.UTF_8));
    }
}
