package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.transport.internal.TcpTransport;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through a real HTTP proxy (tinyproxy on loopback): ws:// and wss:// through its
 * CONNECT tunnel, with and without Basic authentication, and each way the proxy can say no.
 */
@Timeout(60)
class ProxyTunnelTest {

    @TempDir
    Path dir;

    private final java.util.List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private WebSocketServer plainEcho() {
        WebSocketServer server = Wss.echoServer(new TcpTransport());
        open.add(server::stop);
        return server;
    }

    private Issued ca;

    private WebSocketServer tlsEcho() {
        ca = TestPki.ca("Proxy test CA", Algorithm.EC);
        // Named "localhost" only: a check against the proxy's name (127.0.0.1) would fail.
        Issued cert = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost");
        WebSocketServer server = Wss.echoServer(TlsServer.transport(
                TestPki.write(dir, "server.pem", cert.certificatePem() + ca.certificatePem()),
                TestPki.write(dir, "server.key", cert.pkcs8Pem())));
        open.add(server::stop);
        return server;
    }

    private Tinyproxy proxy(List<Integer> ports, String user, String password) throws Exception {
        Tinyproxy proxy = Tinyproxy.start(dir, ports, user, password);
        open.add(proxy);
        return proxy;
    }

    private static void assertEchoes(WebSocketClient client, Tinyproxy proxy) {
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result + "\n" + proxy);
        // The connection's peer is the proxy: the bytes went through its tunnel.
        assertEquals(proxy.port(), ((InetSocketAddress) client.request().remoteAddress()).getPort());
        assertTrue(client.send("through the tunnel"));
        assertEquals(new Message.Text("through the tunnel"), client.read());
        client.close();
    }

    @Test
    void wsThroughTheProxy() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), null, null);
        WebSocketClient client = WebSocketClient.builder("ws://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).build();
        assertEchoes(client, proxy);
        assertTrue(proxy.log().stream().anyMatch(l -> l.contains("CONNECT 127.0.0.1:" + server.port())), proxy.toString());
    }

    @Test
    void wsThroughTheProxyWithBasicAuth() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), "alice", "s3cret");
        WebSocketClient client = WebSocketClient.builder("ws://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).proxyCredentials("alice", "s3cret").build();
        assertEchoes(client, proxy);
    }

    @Test
    void wssThroughTheProxyVerifiesTheServerNotTheProxy() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = tlsEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), null, null);
        WebSocketClient client = WebSocketClient.builder("wss://localhost:" + server.port() + "/ws")
                .options(Wss.OPTIONS).transport(TlsClient.builder().trustedCertificates(ca.certificate()).build())
                .proxy("127.0.0.1", proxy.port()).build();
        assertEchoes(client, proxy);
        assertTrue(proxy.log().stream().anyMatch(l -> l.contains("CONNECT localhost:" + server.port())), proxy.toString());
    }

    @Test
    void wssThroughTheProxyWithBasicAuth() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = tlsEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), "alice", "s3cret");
        WebSocketClient client = WebSocketClient.builder("wss://localhost:" + server.port() + "/ws")
                .options(Wss.OPTIONS).transport(TlsClient.builder().trustedCertificates(ca.certificate()).build())
                .proxy("127.0.0.1", proxy.port()).proxyCredentials("alice", "s3cret").build();
        assertEchoes(client, proxy);
    }

    @Test
    void wssThroughTheProxyStillRefusesAnUntrustedServer() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = tlsEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), null, null);
        ConnectResult result = WebSocketClient.builder("wss://localhost:" + server.port() + "/ws")
                .options(Wss.OPTIONS).transport(TlsClient.create()).proxy("127.0.0.1", proxy.port()).build().connect();
        assertEquals(Outcome.TLS_UNTRUSTED, result.outcome(), result + "\n" + proxy);
        assertTrue(result.message().contains("localhost:" + server.port()), result.message());
        // The same with the default wss:// transport that ServiceLoader finds.
        ConnectResult byDefault = WebSocketClient.builder("wss://localhost:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).build().connect();
        assertEquals(Outcome.TLS_UNTRUSTED, byDefault.outcome(), byDefault + "\n" + proxy);
    }

    @Test
    void wssThroughTheProxyChecksTheServersNameFromTheUrl() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = tlsEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), null, null);
        ConnectResult result = WebSocketClient.builder("wss://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).transport(TlsClient.builder().trustedCertificates(ca.certificate()).build())
                .proxy("localhost", proxy.port()).build().connect();
        assertEquals(Outcome.TLS_HOSTNAME_MISMATCH, result.outcome(), result + "\n" + proxy);
    }

    @Test
    void withoutCredentialsTheProxysDemandIsProxyAuthRequired() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), "alice", "s3cret");
        ConnectResult result = WebSocketClient.builder("ws://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).build().connect();
        assertEquals(Outcome.PROXY_AUTH_REQUIRED, result.outcome(), result + "\n" + proxy);
        assertEquals(407, result.httpStatus());
        assertTrue(result.headers().first("Proxy-Authenticate").orElse("").startsWith("Basic"), result.headers().toString());
    }

    @Test
    void refusedCredentialsAreProxyAuthRequired() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), "alice", "s3cret");
        ConnectResult result = WebSocketClient.builder("ws://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).proxyCredentials("alice", "wrong").build()
                .connect();
        assertEquals(Outcome.PROXY_AUTH_REQUIRED, result.outcome(), result + "\n" + proxy);
        assertTrue(result.message().contains("refused"), result.message());
    }

    @Test
    void aPortTheProxyDoesNotAllowIsProxyRejectedWithItsStatus() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port() == 65535 ? 65534 : server.port() + 1), null, null);
        ConnectResult result = WebSocketClient.builder("ws://127.0.0.1:" + server.port() + "/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", proxy.port()).build().connect();
        assertEquals(Outcome.PROXY_REJECTED, result.outcome(), result + "\n" + proxy);
        assertEquals(403, result.httpStatus());
    }

    @Test
    void aProxyThatRefusesTheConnectionIsProxyRefused() throws IOException {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ConnectResult result = WebSocketClient.builder("ws://127.0.0.1:9/ws")
                .options(Wss.OPTIONS).proxy("127.0.0.1", closed).build().connect();
        assertEquals(Outcome.PROXY_REFUSED, result.outcome(), result.toString());
        ConnectResult secure = WebSocketClient.builder("wss://localhost:9/ws")
                .options(Wss.OPTIONS).transport(TlsClient.create()).proxy("127.0.0.1", closed).build().connect();
        assertEquals(Outcome.PROXY_REFUSED, secure.outcome(), secure.toString());
    }

    /**
     * The JDK's default selector from the system properties: through the proxy once {@code
     * http.nonProxyHosts} is empty, so that it no longer exempts loopback; directly while it does
     * (unset, or any non-empty list), and
     * with {@code noProxy()} whatever the properties say.
     */
    @Test
    void theDefaultSelectorFollowsTheSystemProxyProperties() throws Exception {
        Tinyproxy.binary();
        WebSocketServer server = plainEcho();
        Tinyproxy proxy = proxy(List.of(server.port()), null, null);
        String url = "ws://127.0.0.1:" + server.port() + "/ws";
        String[] keys = {"http.proxyHost", "http.proxyPort", "http.nonProxyHosts"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = System.getProperty(keys[i]);
        }
        try {
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
            // The JDK adds localhost|127.*|[::1]|... to any non-empty list; only an empty one exempts nothing.
            System.setProperty("http.nonProxyHosts", "");
            assertEchoes(WebSocketClient.builder(url).options(Wss.OPTIONS).build(), proxy);

            WebSocketClient direct = WebSocketClient.builder(url).options(Wss.OPTIONS).noProxy().build();
            assertTrue(direct.connect().isConnected());
            assertEquals(server.port(), ((InetSocketAddress) direct.request().remoteAddress()).getPort());
            direct.close();

            System.setProperty("http.nonProxyHosts", "*.example"); // 127.* is exempt as well
            WebSocketClient exempt = WebSocketClient.builder(url).options(Wss.OPTIONS).build();
            assertTrue(exempt.connect().isConnected());
            assertEquals(server.port(), ((InetSocketAddress) exempt.request().remoteAddress()).getPort());
            exempt.close();
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
    }
}
