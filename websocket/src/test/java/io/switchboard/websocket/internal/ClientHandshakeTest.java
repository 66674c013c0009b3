package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.ClientHandshake.Failure;
import io.switchboard.websocket.internal.ClientHandshake.Url;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's opening handshake (RFC 6455 §3, §4.1). */
class ClientHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    // URLs (§3)

    @Test
    void plainUrlDefaultsToPort80AndRootTarget() {
        assertEquals(new Url(false, "example.com", 80, "/", "example.com"), Url.parse("ws://example.com"));
    }

    @Test
    void secureUrlDefaultsToPort443() {
        assertEquals(new Url(true, "example.com", 443, "/chat", "example.com"), Url.parse("wss://example.com/chat"));
    }

    @Test
    void ipv6LiteralIsBareInHostAndBracketedInHostHeader() {
        assertEquals(new Url(false, "::1", 8080, "/ws?x=1", "[::1]:8080"), Url.parse("ws://[::1]:8080/ws?x=1"));
        assertEquals(new Url(true, "::1", 443, "/", "[::1]"), Url.parse("wss://[::1]"));
    }

    @Test
    void ipv6ZoneIdIsDecodedForTheResolverAndLeftOutOfTheHostHeader() {
        // RFC 6874: "%25" introduces the zone in a URL; §4: the client removes it from what it sends.
        assertEquals(new Url(false, "fe80::1%eth0", 8080, "/ws", "[fe80::1]:8080"),
                Url.parse("ws://[fe80::1%25eth0]:8080/ws"));
        assertEquals(new Url(true, "fe80::1%eth0", 443, "/", "[fe80::1]"), Url.parse("wss://[fe80::1%eth0]/"));
    }

    @Test
    void explicitPortIsInTheHostHeaderUnlessItIsTheDefault() {
        assertEquals("example.com:8080", Url.parse("ws://example.com:8080/").hostHeader());
        assertEquals("example.com", Url.parse("ws://example.com:80/").hostHeader());
        assertEquals("example.com:80", Url.parse("wss://example.com:80/").hostHeader());
        assertEquals(80, Url.parse("wss://example.com:80/").port());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"ws://example.com:0/", "ws://example.com:65536/", "wss://example.com:99999/"})
    void portOutsideTheTcpRangeIsRejected(String url) {
        assertThrows(IllegalArgumentException.class, () -> Url.parse(url));
    }

    @Test
    void highestPortAndEmptyPortAreAccepted() {
        assertEquals(65535, Url.parse("ws://example.com:65535/").port());
        assertEquals(80, Url.parse("ws://example.com:/").port());
    }

    @Test
    void targetKeepsTheRawPathAndQuery() {
        assertEquals("/a%20b?q=%26&r", Url.parse("ws://example.com/a%20b?q=%26&r").target());
        assertEquals("/?x=1", Url.parse("ws://example.com?x=1").target());
    }

    @Test
    void nonAsciiCharactersInPathAndQueryArePercentEncodedAsUtf8() {
        assertEquals("/caf%C3%A9/%F0%9F%98%80?q=%C3%A4", Url.parse("ws://example.com/café/😀?q=ä").target());
        assertEquals("/a%20b%C3%A9", Url.parse("ws://example.com/a%20bé").target());
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertEquals(true, Url.parse("WSS://example.com").secure());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "http://example.com/", "https://example.com/", "ftp://example.com/", "not a url", "", "example.com/chat",
        "ws:///chat", "ws://", "ws:example.com", "ws://example.com/#frag", "ws://example.com/chat#", "ws://exa mple.com/"})
    void invalidUrlsAreRejected(String url) {
        assertThrows(IllegalArgumentException.class, () -> Url.parse(url));
    }

    // request (§4.1)

    @Test
    void newKeyIsBase64Of16RandomBytes() {
        String key = ClientHandshake.newKey(new Random(1));
        assertTrue(ServerHandshake.isValidKey(key), key);
        assertNotEquals(key, ClientHandshake.newKey(new Random(2)));
    }

    @Test
    void requestHasTheMandatoryFieldsAndDefaults() {
        Headers h = ClientHandshake.requestHeaders(Url.parse("ws://example.com:8080/chat"), KEY, Headers.empty());
        assertEquals(Headers.of(
                "Host", "example.com:8080",
                "User-Agent", ClientHandshake.USER_AGENT,
                "Upgrade", "websocket",
                "Connection", "Upgrade",
                "Sec-WebSocket-Key", KEY,
                "Sec-WebSocket-Version", "13"), h);
    }

    @Test
    void userMayOverrideUserAgentAndHostAndAddFields() {
        Headers user = Headers.of("user-agent", "mine/1", "HOST", "proxy.example", "Origin", "http://o", "X-Multi", "1",
                "X-Multi", "2");
        Headers h = ClientHandshake.requestHeaders(Url.parse("ws://example.com/"), KEY, user);
        assertEquals(List.of("mine/1"), h.all("User-Agent"));
        assertEquals(List.of("proxy.example"), h.all("Host"));
        assertEquals(List.of("http://o"), h.all("Origin"));
        assertEquals(List.of("1", "2"), h.all("X-Multi"));
    }

    @Test
    void userNeverReplacesTheUpgradeFields() {
        Headers user = Headers.of("Upgrade", "h2c", "connection", "close", "SEC-WEBSOCKET-KEY", "AAAAAAAAAAAAAAAAAAAAAA==",
                "Sec-WebSocket-Version", "8", "Sec-WebSocket-Extensions", "permessage-deflate");
        Headers h = ClientHandshake.requestHeaders(Url.parse("ws://example.com/"), KEY, user);
        assertEquals(List.of("websocket"), h.all("Upgrade"));
        assertEquals(List.of("Upgrade"), h.all("Connection"));
        assertEquals(List.of(KEY), h.all("Sec-WebSocket-Key"));
        assertEquals(List.of("13"), h.all("Sec-WebSocket-Version"));
        assertEquals(List.of(), h.all("Sec-WebSocket-Extensions"));
    }

    @Test
    void requestPassesTheServerCheck() throws Exception {
        Url url = Url.parse("ws://example.com/chat?room=1");
        String key = ClientHandshake.newKey(new Random(3));
        byte[] request = ClientHandshake.requestBytes(url.target(), ClientHandshake.requestHeaders(url, key, Headers.empty()));
        HttpHead head = HttpHead.read(new ByteArrayInputStream(request), 1024);

        ServerHandshake.RequestLine line = ServerHandshake.parseRequestLine(head.startLine());
        assertEquals(new ServerHandshake.RequestLine("GET", "/chat", "room=1"), line);
        assertEquals(WebSocketProtocol.acceptKey(key), ServerHandshake.validate(line.method(), head.headers()));
    }

    // response (§4.1, the client's checks)

    private static Headers.Builder switching() {
        return Headers.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", ACCEPT);
    }

    private static HttpHead response(String statusLine, Headers headers) {
        return new HttpHead(statusLine, headers);
    }

    private static Failure failure(HttpHead head, List<String> offered) {
        return assertThrows(Failure.class, () -> ClientHandshake.validateResponse(head, KEY, offered));
    }

    @Test
    void validResponseWithoutSubProtocol() {
        assertEquals(Optional.empty(),
                ClientHandshake.validateResponse(response("HTTP/1.1 101 Switching Protocols", switching().build()), KEY, List.of("chat")));
    }

    @Test
    void validResponseChoosingAnOfferedSubProtocol() {
        Headers headers = switching().add("Sec-WebSocket-Protocol", "superchat").build();
        assertEquals(Optional.of("superchat"),
                ClientHandshake.validateResponse(response("HTTP/1.1 101", headers), KEY, List.of("chat", "superchat")));
    }

    @Test
    void tokensInTheResponseAreCaseInsensitive() {
        Headers headers = Headers.of("upgrade", "WebSocket", "CONNECTION", "keep-alive, upgrade", "Sec-WebSocket-Accept", ACCEPT);
        assertEquals(Optional.empty(), ClientHandshake.validateResponse(response("HTTP/1.1 101 OK", headers), KEY, List.of()));
    }

    @Test
    void otherStatusIsRejectedWithStatusAndHeaders() {
        Headers headers = Headers.of("WWW-Authenticate", "Basic", "Content-Length", "0");
        Failure f = failure(response("HTTP/1.1 401 Unauthorized", headers), List.of());
        assertEquals(Outcome.HANDSHAKE_REJECTED, f.outcome());
        assertEquals(401, f.status());
        assertEquals(headers, f.headers());
    }

    @Test
    void successStatusOtherThan101IsRejected() {
        Failure f = failure(response("HTTP/1.1 200 OK", switching().build()), List.of());
        assertEquals(Outcome.HANDSHAKE_REJECTED, f.outcome());
        assertEquals(200, f.status());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "HTTP/1.1", "HTTP/1.1 1O1 Switching", "HTTP/1.1 1010", "SIP/2.0 101 x", "HTTP/2 101"})
    void malformedStatusLineIsABadResponse(String statusLine) {
        assertEquals(Outcome.BAD_RESPONSE, failure(response(statusLine, switching().build()), List.of()).outcome());
    }

    @Test
    void missingUpgradeIsReported() {
        Failure f = failure(response("HTTP/1.1 101 Switching Protocols", switching().remove("Upgrade").build()), List.of());
        assertEquals(Outcome.MISSING_UPGRADE, f.outcome());
        assertEquals(101, f.status());
    }

    @Test
    void upgradeToAnotherProtocolIsReportedAsMissingUpgrade() {
        Headers headers = switching().set("Upgrade", "h2c").build();
        assertEquals(Outcome.MISSING_UPGRADE, failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of()).outcome());
    }

    @Test
    void missingConnectionUpgradeIsReported() {
        assertEquals(Outcome.MISSING_UPGRADE,
                failure(response("HTTP/1.1 101 Switching Protocols", switching().remove("Connection").build()), List.of()).outcome());
        assertEquals(Outcome.MISSING_UPGRADE,
                failure(response("HTTP/1.1 101 Switching Protocols", switching().set("Connection", "keep-alive").build()), List.of())
                        .outcome());
    }

    @ParameterizedTest(name = "accept \"{0}\"")
    @ValueSource(strings = {"", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo", "S3PPLMBITXAQ9KYGZZHZRBK+XOO=", "dGhlIHNhbXBsZSBub25jZQ=="})
    void wrongAcceptIsReported(String accept) {
        Headers headers = switching().set("Sec-WebSocket-Accept", accept).build();
        assertEquals(Outcome.BAD_ACCEPT, failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of()).outcome());
    }

    @Test
    void missingOrRepeatedAcceptIsReported() {
        assertEquals(Outcome.BAD_ACCEPT, failure(response("HTTP/1.1 101 Switching Protocols",
                switching().remove("Sec-WebSocket-Accept").build()), List.of()).outcome());
        assertEquals(Outcome.BAD_ACCEPT, failure(response("HTTP/1.1 101 Switching Protocols",
                switching().add("Sec-WebSocket-Accept", ACCEPT).build()), List.of()).outcome());
    }

    @Test
    void extensionThatWasNotOfferedFailsNegotiation() {
        Headers headers = switching().add("Sec-WebSocket-Extensions", "permessage-deflate").build();
        assertEquals(Outcome.NEGOTIATION_FAILED, failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of()).outcome());
    }

    @Test
    void subProtocolThatWasNotOfferedFailsNegotiation() {
        Headers headers = switching().add("Sec-WebSocket-Protocol", "superchat").build();
        assertEquals(Outcome.NEGOTIATION_FAILED, failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of("chat")).outcome());
        assertEquals(Outcome.NEGOTIATION_FAILED, failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of()).outcome());
    }

    @Test
    void moreThanOneSubProtocolFailsNegotiation() {
        Headers headers = switching().add("Sec-WebSocket-Protocol", "chat").add("Sec-WebSocket-Protocol", "superchat").build();
        assertEquals(Outcome.NEGOTIATION_FAILED,
                failure(response("HTTP/1.1 101 Switching Protocols", headers), List.of("chat", "superchat")).outcome());
    }
}
