package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.spi.Connection;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.internal.ClientHandshake.Failure;
import io.switchboard.websocket.internal.HttpConnectTunnel.Credentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP CONNECT tunnel's request and its reading of the proxy's answer (RFC 9110 §9.3.6, RFC 7617). */
@Timeout(30)
class HttpConnectTunnelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static HttpConnectTunnel tunnel(String host, int port, Credentials credentials) {
        return new HttpConnectTunnel(host, port, Optional.ofNullable(credentials), "proxy:3128", TIMEOUT);
    }

    /** A connection whose input is {@code answer} and whose output is recorded. */
    private static final class Scripted implements Connection {
        final InputStream in;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final AtomicBoolean closed = new AtomicBoolean();

        Scripted(InputStream in) {
            this.in = in;
        }

        Scripted(String answer) {
            this(new ByteArrayInputStream(answer.getBytes(StandardCharsets.ISO_8859_1)));
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 3128);
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 50000);
        }

        @Override
        public void readTimeout(Duration timeout) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            closed.set(true);
            try {
                in.close();
            } catch (IOException ignored) {
                // test stream
            }
        }
    }

    @Test
    void requestNamesTheAuthorityInTheRequestLineAndHost() {
        assertEquals("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: switchboard/0.1\r\n\r\n",
                new String(tunnel("example.com", 443, null).requestBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void ipv6TargetsAreBracketedWithoutTheirZone() {
        assertEquals("[::1]:8080", HttpConnectTunnel.authority("::1", 8080));
        assertEquals("[fe80::1]:80", HttpConnectTunnel.authority("fe80::1%eth0", 80));
    }

    @Test
    void basicCredentialsAreUtf8Base64OfUserColonPassword() {
        // RFC 7617 §2: "Aladdin" / "open sesame"
        String request = new String(tunnel("h", 1, new Credentials("Aladdin", "open sesame")).requestBytes(),
                StandardCharsets.ISO_8859_1);
        assertTrue(request.contains("\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"), request);
        // RFC 7617 §2.1 (UTF-8): "test" / "123£"
        assertEquals("Basic dGVzdDoxMjPCow==", new Credentials("test", "123\u00a3").basic());
    }

    @Test
    void credentialsRefuseAColonInTheUserAndControlCharacters() {
        assertThrows(IllegalArgumentException.class, () -> new Credentials("a:b", "c"));
        assertThrows(IllegalArgumentException.class, () -> new Credentials("a", "b\r\nX-Injected: 1"));
        assertEquals("Credentials[alice, ****]", new Credentials("alice", "secret").toString());
    }

    @Test
    void anyTwoHundredOpensTheTunnelAndNothingAfterTheHeadIsRead() throws IOException {
        Scripted c = new Scripted("HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\nNEXT");
        tunnel("example.com", 443, null).open(c);
        assertEquals('N', c.in.read());
        assertTrue(new String(c.out.toByteArray(), StandardCharsets.ISO_8859_1).startsWith("CONNECT example.com:443 "));
    }

    @Test
    void interimAnswersAreSkipped() throws IOException {
        Scripted c = new Scripted("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        tunnel("example.com", 443, null).open(c);
        assertEquals(-1, c.in.read());
    }

    @Test
    void fourOhSevenIsProxyAuthRequiredWithTheChallenge() {
        Failure f = assertThrows(Failure.class, () -> tunnel("example.com", 443, null).open(new Scripted(
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n<html>")));
        assertEquals(Outcome.PROXY_AUTH_REQUIRED, f.outcome());
        assertEquals(407, f.status());
        assertEquals("Basic realm=\"corp\"", f.headers().first("Proxy-Authenticate").orElseThrow());
        assertTrue(f.getMessage().contains("wants credentials"), f.getMessage());
    }

    @Test
    void fourOhOneToCredentialsSentIsProxyAuthRequiredToo() {
        Failure f = assertThrows(Failure.class, () -> tunnel("h", 1, new Credentials("a", "wrong"))
                .open(new Scripted("HTTP/1.0 401 Unauthorized\r\n\r\n")));
        assertEquals(Outcome.PROXY_AUTH_REQUIRED, f.outcome());
        assertEquals(401, f.status());
        assertTrue(f.getMessage().contains("credentials were refused"), f.getMessage());
    }

    @Test
    void otherStatusesAreProxyRejectedWithTheirStatus() {
        for (String line : new String[] {"HTTP/1.1 403 Access violation", "HTTP/1.1 502 Bad Gateway",
                "HTTP/1.1 301 Moved Permanently"}) {
            Failure f = assertThrows(Failure.class, () -> tunnel("h", 1, null).open(new Scripted(line + "\r\n\r\n")));
            assertEquals(Outcome.PROXY_REJECTED, f.outcome(), line);
            assertEquals(Integer.parseInt(line.substring(9, 12)), f.status(), line);
            assertTrue(f.getMessage().contains(line.substring(9)), f.getMessage());
        }
    }

    @Test
    void aMalformedAnswerIsBadResponse() {
        for (String answer : new String[] {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"}) {
            Failure f = assertThrows(Failure.class, () -> tunnel("h", 1, null).open(new Scripted(answer)));
            assertEquals(Outcome.BAD_RESPONSE, f.outcome(), answer);
        }
    }

    @Test
    void anAnswerCutShortIsAnIoFailureNamingTheProxy() {
        IOException e = assertThrows(IOException.class, () -> tunnel("h", 1, null).open(new Scripted("HTTP/1.1 200")));
        assertTrue(e.getMessage().contains("proxy:3128"), e.getMessage());
    }

    @Test
    void aSilentProxyTimesOutAndIsClosed() throws IOException {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream silent = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    closed.await(); // like a socket: a read blocks until the connection is closed
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                throw new SocketException("Socket closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        Scripted c = new Scripted(silent);
        HttpConnectTunnel tunnel = new HttpConnectTunnel("h", 1, Optional.empty(), "proxy:3128", Duration.ofMillis(50));
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> tunnel.open(c));
        assertTrue(c.closed.get());
        assertTrue(e.getMessage().contains("did not answer CONNECT"), e.getMessage());
    }
}
