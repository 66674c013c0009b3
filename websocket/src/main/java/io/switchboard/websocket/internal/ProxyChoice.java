package io.switchboard.websocket.internal;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Which HTTP proxy, if any, a client connects through, as a {@link ProxySelector} says. The
 * selector is asked about an {@code http://host:port} URI for {@code ws://} and {@code
 * https://host:port} for {@code wss://}, as the JDK's own WebSocket client does, so the JDK's
 * default selector applies {@code http.proxyHost}/{@code https.proxyHost} and {@code
 * http.nonProxyHosts}. Stateless.
 */
public final class ProxyChoice {

    private ProxyChoice() {
    }

    /** The URI the selector is asked about for a {@code ws://} ({@code secure} false) or {@code wss://} URL. */
    public static URI selectorUri(boolean secure, String host, int port) {
        try {
            String bare = host.indexOf('%') >= 0 ? host.substring(0, host.indexOf('%')) : host;
            return new URI(secure ? "https" : "http", null, bare, port, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("no proxy URI for host " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * The proxy to use for {@code uri}: the first entry of the selector's list that is an HTTP
     * proxy with an internet address, or empty when a direct connection comes first, the list is
     * empty, or it names SOCKS proxies only (which this client does not speak; like the JDK's
     * HTTP client, it then connects directly).
     */
    public static Optional<InetSocketAddress> choose(ProxySelector selector, URI uri) {
        List<Proxy> proxies = selector.select(uri);
        if (proxies == null) {
            return Optional.empty();
        }
        for (Proxy proxy : proxies) {
            if (proxy == null || proxy.type() == Proxy.Type.DIRECT) {
                return Optional.empty();
            }
            if (proxy.type() == Proxy.Type.HTTP && proxy.address() instanceof InetSocketAddress address) {
                return Optional.of(address);
            }
        }
        return Optional.empty();
    }
}
