package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots an OSGi framework as the launcher does (Felix, Felix SCR, the Switchboard bundles)
 * on a free loopback port, installs the built handler bundle, and talks to its path with the
 * JDK's own WebSocket client.
 */
@Timeout(60)
class HelloHandlerIT {

    /** Upper bound for each step the test waits on. */
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final String PATH = "/hello";

    @TempDir
    Path storage;

    private Framework framework;

    @BeforeEach
    void startFramework() throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("switchboard.host", "127.0.0.1");
        properties.put("switchboard.port", "0");
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("framework.bundles")))) {
            for (Path jar : jars.sorted().toList()) {
                bundles.add(context.installBundle(jar.toUri().toString()));
            }
        }
        bundles.add(context.installBundle(Path.of(System.getProperty("handler.bundle")).toUri().toString()));
        framework.start();
        for (Bundle bundle : bundles) {
            bundle.start();
        }
    }

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(STEP.toMillis());
        }
    }

    /** The port of the Switchboard server in the framework, once it listens. */
    private int serverPort() throws Exception {
        BundleContext context = framework.getBundleContext();
        ServiceTracker<Object, Object> servers = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=io.switchboard.websocket.WebSocketServer)(switchboard.server.port=*))"), null);
        servers.open(true); // all services: this class path has its own copy of the class
        try {
            assertNotNull(servers.waitForService(STEP.toMillis()), "the Switchboard server did not start");
            ServiceReference<Object> server = servers.getServiceReference();
            return (Integer) server.getProperty("switchboard.server.port");
        } finally {
            servers.close();
        }
    }

    /** Waits for SCR to register the handler component as a service with its path. */
    private void awaitHandlerService() throws Exception {
        BundleContext context = framework.getBundleContext();
        ServiceTracker<Object, Object> handlers = new ServiceTracker<>(context, context.createFilter(
                "(&(objectClass=io.switchboard.api.WebSocketHandler)(switchboard.websocket.path=" + PATH + "))"), null);
        handlers.open(true);
        try {
            assertNotNull(handlers.waitForService(STEP.toMillis()), "SCR registered no handler on " + PATH);
        } finally {
            handlers.close();
        }
    }

    /** Text messages the JDK client receives, one queue entry per message. */
    private static final class Received implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Test
    void theComponentAnswersOnItsPathOverARealWebSocket() throws Exception {
        int port = serverPort();
        awaitHandlerService();
        Received received = new Received();
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws = connect(http, URI.create("ws://127.0.0.1:" + port + PATH), received);
        try {
            ws.sendText("world", true).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("Hello, world!", received.texts.poll(STEP.toMillis(), TimeUnit.MILLISECONDS));
            ws.sendText("again", true).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("Hello, again!", received.texts.poll(STEP.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            http.close();
        }
    }

    /**
     * Opens the WebSocket, retrying briefly: the server routes the path when its own tracker
     * sees the handler service, which may be just after this test's tracker saw it.
     */
    private static WebSocket connect(HttpClient http, URI uri, Received received) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (true) {
            try {
                return http.newWebSocketBuilder().buildAsync(uri, received).join();
            } catch (CompletionException e) {
                assertTrue(System.nanoTime() < deadline, () -> "no WebSocket on " + uri + ": " + e.getCause());
            }
        }
    }
}
