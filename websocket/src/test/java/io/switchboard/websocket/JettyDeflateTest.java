package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our client's permessage-deflate policies against Jetty 12's server, which knows no window
 * bits below 15: the client falls back to an offer Jetty accepts, and chatty JSON goes through
 * both compressed contexts.
 */
@Timeout(60)
class JettyDeflateTest {

    @ParameterizedTest(name = "policy {0}")
    @CsvSource(delimiter = '|', value = {
        "12/4/true  | permessage-deflate",
        "15/8/true  | permessage-deflate",
        "8/1/true   | permessage-deflate",
        "15/8/false | permessage-deflate;client_no_context_takeover;server_no_context_takeover",
    })
    void ourClientPoliciesAgainstJetty(String policy, String expected) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> container.addMapping("/echo",
                (request, response, callback) -> new JettyServerInteropTest.JettyEcho(new CompletableFuture<>()))));
        jetty.start();
        try {
            WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + connector.getLocalPort() + "/echo",
                    Headers.empty(), NodeWsDeflateTest.policy(policy.strip()));
            ConnectResult result = client.connect();
            assertTrue(result.isConnected(), result.toString());
            try {
                assertEquals(expected.strip(), String.join(",", result.headers().all("Sec-WebSocket-Extensions"))
                        .replace(" ", ""));
                for (int i = 0; i < 300; i++) {
                    assertTrue(client.send(NodeWsDeflateTest.chatty(i)));
                    assertEquals(Message.text(NodeWsDeflateTest.chatty(i)), client.read(), "echo " + i);
                }
            } finally {
                client.close();
            }
        } finally {
            jetty.stop();
        }
    }
}
