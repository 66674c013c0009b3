/**
 * The WebSocket API: {@link io.switchboard.api.WebSocket}, {@link io.switchboard.api.Message},
 * {@link io.switchboard.api.CloseStatus}, {@link io.switchboard.api.Request} and the handler
 * interfaces. Server and client implementations live in the {@code io.switchboard.websocket}
 * module; handler bundles need only this package.
 */
@Export
@Version("1.3.0")
package io.switchboard.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
