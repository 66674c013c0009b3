package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which proxy a ProxySelector's answer leads to. */
class ProxyChoiceTest {

    private static final InetSocketAddress HTTP = InetSocketAddress.createUnresolved("proxy", 3128);
    private static final InetSocketAddress SOCKS = InetSocketAddress.createUnresolved("socks", 1080);

    private static ProxySelector answering(List<Proxy> proxies) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return proxies;
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
    }

    private static Optional<InetSocketAddress> choose(List<Proxy> proxies) {
        return ProxyChoice.choose(answering(proxies), URI.create("http://example.com:80"));
    }

    @Test
    void wsAsksAboutHttpAndWssAboutHttps() {
        assertEquals(URI.create("http://example.com:8080"), ProxyChoice.selectorUri(false, "example.com", 8080));
        assertEquals(URI.create("https://example.com:443"), ProxyChoice.selectorUri(true, "example.com", 443));
        assertEquals(URI.create("https://[::1]:443"), ProxyChoice.selectorUri(true, "::1", 443));
        assertEquals(URI.create("http://[fe80::1]:80"), ProxyChoice.selectorUri(false, "fe80::1%eth0", 80));
    }

    @Test
    void theFirstHttpProxyIsChosen() {
        assertEquals(Optional.of(HTTP), choose(List.of(new Proxy(Proxy.Type.HTTP, HTTP))));
        assertEquals(Optional.of(HTTP), choose(List.of(new Proxy(Proxy.Type.SOCKS, SOCKS), new Proxy(Proxy.Type.HTTP, HTTP))));
    }

    @Test
    void directFirstNoAnswerOrSocksOnlyMeanADirectConnection() {
        assertEquals(Optional.empty(), choose(List.of(Proxy.NO_PROXY, new Proxy(Proxy.Type.HTTP, HTTP))));
        assertEquals(Optional.empty(), choose(List.of()));
        assertEquals(Optional.empty(), choose(null));
        assertEquals(Optional.empty(), choose(List.of(new Proxy(Proxy.Type.SOCKS, SOCKS))));
    }

    @Test
    void theJdksStaticSelectorsAreFollowed() {
        URI uri = URI.create("https://example.com:443");
        assertEquals(Optional.of(HTTP), ProxyChoice.choose(ProxySelector.of(HTTP), uri));
        assertEquals(Optional.empty(), ProxyChoice.choose(ProxySelector.of(null), uri));
    }
}
