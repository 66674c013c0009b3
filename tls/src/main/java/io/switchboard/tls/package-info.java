/**
 * TLS for Switchboard ({@code wss://}): {@link io.switchboard.tls.TlsServer} builds a server
 * transport from a PEM certificate chain and private key, {@link io.switchboard.tls.TlsClient} a
 * client transport with its trust and verification settings. Both are
 * {@link io.switchboard.api.spi.Transport}s over the JDK's blocking {@code SSLSocket}, which
 * parks virtual threads; hand them to {@code WebSocketServer} and {@code WebSocketClient}.
 */
@Export
@Version("1.0.0")
package io.switchboard.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
