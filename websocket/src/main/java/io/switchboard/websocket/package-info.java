/**
 * Entry points of the WebSocket engine: {@link io.switchboard.websocket.WebSocketServer},
 * {@link io.switchboard.websocket.WebSocketClient} and their options.
 */
@Export
@Version("1.1.0")
package io.switchboard.websocket;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
