package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * permessage-deflate with context takeover and a small window inside Felix: the websocket
 * bundle carries JZlib in a private package (nothing imported for it), and it must load there.
 */
class LauncherCompressionTest {

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    @Test
    void theBundleCompressesWithContextAndASmallWindowInsideTheFramework() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache, "--compression", "true")) {
            WebSocketClient client = new WebSocketClient(launcher.url("/ws"), Headers.empty(),
                    WebSocketOptions.builder().compression(true).build());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result::toString);
            try {
                String agreed = result.headers().first("Sec-WebSocket-Extensions").orElse("");
                assertEquals("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", agreed);
                for (int i = 0; i < 50; i++) {
                    String json = "{\"type\":\"tick\",\"seq\":" + i + ",\"symbol\":\"ABC\",\"note\":\"" + "z".repeat(i * 90) + "\"}";
                    assertEquals(json, ask(client, json));
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void theCompressionPolicyFlagsReachTheServer() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache, "--compression", "true",
                "--compression-window-bits", "10", "--compression-context-takeover", "false")) {
            WebSocketClient client = new WebSocketClient(launcher.url("/ws"), Headers.empty(),
                    WebSocketOptions.builder().compression(true).build());
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result::toString);
            try {
                String agreed = result.headers().first("Sec-WebSocket-Extensions").orElse("");
                assertTrue(agreed.contains("server_max_window_bits=10"), agreed);
                assertTrue(agreed.contains("server_no_context_takeover"), agreed);
                assertEquals("still echoes " + "y".repeat(300), ask(client, "still echoes " + "y".repeat(300)));
            } finally {
                client.close();
            }
        }
    }
}
