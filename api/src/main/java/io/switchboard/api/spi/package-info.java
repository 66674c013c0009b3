/**
 * Service provider interfaces implemented by the transport and TLS modules and consumed by the
 * WebSocket engine. Applications rarely need these; they exist so that the engine never
 * depends on an implementation module.
 */
@Export
@Version("1.5.0")
package io.switchboard.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
