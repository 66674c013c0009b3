package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.STEP;
import static io.switchboard.launcher.RunningLauncher.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.HandlerProperties;
import io.switchboard.api.Headers;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * Declarative Services handlers and the configuration files of the deploy folder: an annotated
 * class is a handler, a {@code PID.cfg} beside the jars configures it, live.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeclarativeServicesTest {

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    private static void writeConfig(Path file, String content) {
        TestBundles.writeAtomically(file, content.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void componentHandlerDeployedIntoTheFolderServesItsPath() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.component("test.ds").writeTo(deploy.resolve("ds.jar"));
            TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));

            launcher.awaitReply("/g", "ds:");
            launcher.awaitReply("/t", "v1:");
            assertEquals("ds:hello", launcher.echo("/g", "hello"));
            assertEquals("hello", launcher.echo("/ws", "hello"));
        }
    }

    @Test
    void configFileChangeReachesTheRunningComponentWithoutARedeployAndItsRemovalDeletesIt() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            Path cfg = deploy.resolve("test.greeter.cfg");
            writeConfig(cfg, "# the greeter's settings\ngreeting = hello\n");
            TestBundles.component("test.ds").writeTo(deploy.resolve("ds.jar"));
            launcher.awaitReply("/g", "hello:");
            Bundle bundle = launcher.deployed("ds.jar").orElseThrow();
            List<Integer> events = new CopyOnWriteArrayList<>();
            launcher.framework().getBundleContext().addBundleListener(event -> {
                if (event.getBundle() == bundle) {
                    events.add(event.getType());
                }
            });
            WebSocketClient open = launcher.open("/g");
            assertEquals("hello:a", ask(open, "a"));

            writeConfig(cfg, "greeting = bonjour\n");

            launcher.awaitReply("/g", "bonjour:");
            assertEquals("bonjour:b", ask(open, "b"), "the session's handler object was reconfigured, not replaced");
            assertEquals(List.of(), events, "the jar was not redeployed");

            Files.delete(cfg);
            launcher.awaitReply("/g", "ds:");
            assertEquals(Bundle.ACTIVE, bundle.getState());
            open.close();
        }
    }

    @Test
    void configFilesPresentAtStartAreAppliedWhenStartReturns() throws Exception {
        TestBundles.component("test.ds").writeTo(deploy.resolve("ds.jar"));
        writeConfig(deploy.resolve("test.greeter.cfg"), "greeting = hello\n");
        writeConfig(deploy.resolve("test.broken.config"), "size = I\"not a number\"\n");
        for (int i = 0; i < 20; i++) { // more files for FileInstall to take its time over
            writeConfig(deploy.resolve("test.other-" + i + ".cfg"), "n = " + i + "\n");
        }
        for (int i = 0; i < 2; i++) {
            try (LogRecorder routes = LogRecorder.of("io.switchboard.websocket.osgi.HandlerWhiteboard");
                    RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
                assertEquals("hello:a", launcher.echo("/g", "a"), "start " + i);
                // Routed once, configured: not first with defaults, then again when the file was read.
                assertEquals(1, routes.lines(Level.INFO, "handler path /g registered").size(), "start " + i);
            }
        }
    }

    @Test
    void factoryConfigurationFileMakesAnotherInstanceWithItsOwnSettings() throws Exception {
        try (LogRecorder log = LogRecorder.of("fileinstall");
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            writeConfig(deploy.resolve("test.greeter-french.cfg"), "switchboard.websocket.path=/fr\ngreeting=salut\n");
            writeConfig(deploy.resolve("test.greeter-german.cfg"), "switchboard.websocket.path=/de\ngreeting=hallo\n");
            BoundedWait.until(STEP, "both configurations created",
                    () -> log.lines(Level.INFO, "Creating configuration {test.greeter~").size() == 2);
            TestBundles.component("test.ds").writeTo(deploy.resolve("ds.jar"));

            launcher.awaitReply("/fr", "salut:");
            launcher.awaitReply("/de", "hallo:");
            assertEquals(404, launcher.connect("/g").httpStatus(), "no instance with the defaults beside them");
        }
    }

    @Test
    void brokenConfigFileIsOneLogLineAndTheOthersStillApply() throws Exception {
        try (LogRecorder log = LogRecorder.of("fileinstall");
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.component("test.ds").writeTo(deploy.resolve("ds.jar"));
            launcher.awaitReply("/g", "ds:");
            Path broken = deploy.resolve("test.broken.config");
            writeConfig(broken, "size = I\"not a number\"\n");
            BoundedWait.until(STEP, "the broken file reported", () -> !log.lines(Level.SEVERE, "").isEmpty());

            // Two more files, each applied on a later scan, which looked at the broken one again.
            writeConfig(deploy.resolve("test.greeter.cfg"), "greeting=hello\n");
            launcher.awaitReply("/g", "hello:");
            writeConfig(deploy.resolve("test.greeter.cfg"), "greeting=hi\n");
            launcher.awaitReply("/g", "hi:");

            List<String> errors = log.lines(Level.SEVERE, "");
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains(broken.getFileName().toString()), errors::toString);
            assertTrue(!errors.get(0).contains("\n"), errors::toString);
        }
    }

    private static ConnectResult connectFrom(RunningLauncher launcher, String origin, String protocol) {
        WebSocketClient client = new WebSocketClient(launcher.url("/g"), Headers.of("Origin", origin),
                WebSocketOptions.builder().subProtocols(List.of(protocol)).build());
        try {
            ConnectResult result = client.connect();
            if (result.isConnected()) {
                assertEquals(Optional.of(protocol), client.subProtocol());
            }
            return result;
        } finally {
            client.close();
        }
    }

    @Test
    void routeSettingsDeclaredByTheComponentAreOverriddenByItsConfigFile() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.component("test.ds").property(HandlerProperties.SUBPROTOCOLS, "chat")
                    .property(HandlerProperties.ALLOWED_ORIGINS, "https://good.example").writeTo(deploy.resolve("ds.jar"));
            launcher.awaitReply("/g", "ds:");
            assertTrue(connectFrom(launcher, "https://good.example", "chat").isConnected());
            assertEquals(403, connectFrom(launcher, "https://evil.example", "chat").httpStatus());

            writeConfig(deploy.resolve("test.greeter.cfg"), HandlerProperties.ALLOWED_ORIGINS + " = https://evil.example\n");

            BoundedWait.until(STEP, "the origin list of the config file applied",
                    () -> connectFrom(launcher, "https://evil.example", "chat").isConnected());
            assertEquals(403, connectFrom(launcher, "https://good.example", "chat").httpStatus());
        }
    }
}
