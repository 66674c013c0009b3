package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.STEP;
import static io.switchboard.launcher.RunningLauncher.ask;
import static io.switchboard.launcher.RunningLauncher.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.websocket.WebSocketClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Core bundles stopped, started and updated inside one running framework. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BundleChurnTest {

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    private static Bundle core(RunningLauncher launcher, String name) {
        return launcher.framework().getBundleContext().getBundle("switchboard:core/" + name);
    }

    private static long timerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("switchboard-timer")).count();
    }

    /** The port of the server now registered: a new websocket revision binds port 0 anew. */
    private static int serverPort(RunningLauncher launcher) throws Exception {
        ServiceReference<?>[] servers = launcher.framework().getBundleContext()
                .getAllServiceReferences("io.switchboard.websocket.WebSocketServer", null);
        return (Integer) servers[0].getProperty("switchboard.server.port");
    }

    @Test
    void transportRestartServesAgainOnTheSamePortWithHandlersStillRouted() throws Exception {
        // port 0: the port bound first is the one the ready line names, and clients keep using it
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));
            launcher.awaitReply("/t", "v1:");
            WebSocketClient open = launcher.open("/t");
            assertEquals("v1:a", ask(open, "a"));

            Bundle transport = core(launcher, "switchboard-transport.jar");
            transport.stop();
            assertNull(read(open), "the server ends the session");
            assertEquals(CloseStatus.GOING_AWAY.code(), open.closeStatus().orElseThrow().code());
            transport.start();

            launcher.awaitReply("/t", "v1:");
            assertEquals("hello", launcher.echo("/ws", "hello"));
        }
    }

    @Test
    void updatedWebSocketBundleLeavesNoTimerThreadBehind() throws Exception {
        long before = timerThreads();
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            for (int i = 0; i < 3; i++) {
                WebSocketClient client = new WebSocketClient("ws://127.0.0.1:" + serverPort(launcher) + "/ws");
                assertTrue(client.connect().isConnected()); // the revision's timer runs a handshake deadline
                assertEquals("x" + i, ask(client, "x" + i));
                client.close();
                try (InputStream jar = Launcher.class.getResourceAsStream("/bundles/switchboard-websocket.jar")) {
                    core(launcher, "switchboard-websocket.jar").update(jar);
                }
            }
        }
        // Each revision had a timer thread; idle, none of them may stay (one more: the test's own client).
        BoundedWait.until(STEP, "timer threads back to " + before + " (+1)", () -> timerThreads() <= before + 1);
    }
}
