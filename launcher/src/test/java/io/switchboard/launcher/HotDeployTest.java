package io.switchboard.launcher;

import static io.switchboard.launcher.RunningLauncher.STEP;
import static io.switchboard.launcher.RunningLauncher.ask;
import static io.switchboard.launcher.RunningLauncher.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CloseStatus;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.ConnectResult.Outcome;
import io.switchboard.websocket.WebSocketClient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Version;

/**
 * The deploy folder end to end: an in-process launcher, handler bundles built by {@link
 * TestBundles}, and WebSocket clients checking what each path answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotDeployTest {

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    private static Bundle active(RunningLauncher launcher, String fileName) {
        return BoundedWait.until(STEP, fileName + " installed and active", () -> launcher.deployed(fileName)
                .filter(b -> b.getState() == Bundle.ACTIVE).orElse(null));
    }

    private static void assertClosedBy(CloseStatus expected, WebSocketClient client) {
        assertNull(read(client), "the server ends the session");
        assertEquals(expected.code(), client.closeStatus().orElseThrow().code(), () -> "close status of " + client);
        assertFalse(client.isOpen());
    }

    private static void assertNotFound(ConnectResult result) {
        assertEquals(Outcome.HANDSHAKE_REJECTED, result.outcome(), result::toString);
        assertEquals(404, result.httpStatus(), result::toString);
    }

    @Test
    void jarCopiedInGoesLiveOnItsPath() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            assertNotFound(launcher.connect("/t"));

            TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));

            launcher.awaitReply("/t", "v1:");
            assertEquals("v1:hello", launcher.echo("/t", "hello"));
            assertEquals("hello", launcher.echo("/ws", "hello"));
            Bundle bundle = active(launcher, "t.jar");
            assertEquals("test.t", bundle.getSymbolicName());
            assertEquals(new Version(1, 0, 0), bundle.getVersion());
        }
    }

    @Test
    void updateKeepsOpenSessionsOnTheOldRevisionUntilTheDrainDeadlineThenCloses1012() throws Exception {
        // The drain deadline is the only clock here: long enough that the old sessions are
        // still served when the test talks to them right after the update.
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache, "--drain-timeout", "3s")) {
            Path jar = deploy.resolve("t.jar");
            TestBundles.handler("test.t").writeTo(jar);
            launcher.awaitReply("/t", "v1:");
            long bundleId = active(launcher, "t.jar").getBundleId();

            WebSocketClient talked = launcher.open("/t");
            assertEquals("v1:a", ask(talked, "a"));
            WebSocketClient silent = launcher.open("/t"); // its first message comes after the update

            TestBundles.handler("test.t").version("2.0.0").reply("v2:").writeTo(jar);
            launcher.awaitReply("/t", "v2:");

            WebSocketClient fresh = launcher.open("/t");
            assertEquals("v2:b", ask(fresh, "b"));
            assertEquals("v1:c", ask(talked, "c"));
            assertEquals("v1:d", ask(silent, "d"));
            assertEquals("v1:late", ask(talked, "late"), "the old revision still loads its classes");
            Bundle bundle = launcher.deployed("t.jar").orElseThrow();
            assertEquals(bundleId, bundle.getBundleId(), "updated in place, not reinstalled");
            assertEquals(new Version(2, 0, 0), bundle.getVersion());

            assertClosedBy(CloseStatus.SERVICE_RESTART, talked);
            assertClosedBy(CloseStatus.SERVICE_RESTART, silent);
            assertTrue(fresh.isOpen());
            assertEquals("v2:e", ask(fresh, "e"));
            fresh.close();
        }
    }

    @Test
    void removedJarAnswers404AndItsOpenSessionGets1001AfterTheDrain() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            Path jar = deploy.resolve("t.jar");
            TestBundles.handler("test.t").writeTo(jar);
            launcher.awaitReply("/t", "v1:");
            WebSocketClient open = launcher.open("/t");
            assertEquals("v1:a", ask(open, "a"));

            Files.delete(jar);
            BoundedWait.until(STEP, "t.jar uninstalled", () -> launcher.deployed("t.jar").isEmpty());

            assertEquals("v1:b", ask(open, "b"), "sessions of a removed handler are drained, not dropped");
            assertEquals("v1:late", ask(open, "late"), "the removed revision still loads its classes");
            assertClosedBy(CloseStatus.GOING_AWAY, open);
            assertNotFound(launcher.connect("/t"));
            assertEquals("still", launcher.echo("/ws", "still"));
        }
    }

    @Test
    void brokenJarsAreReportedAndEverythingElseKeepsServing() throws Exception {
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));
            launcher.awaitReply("/t", "v1:");

            byte[] garbage = new byte[4096];
            new Random(42).nextBytes(garbage);
            TestBundles.writeAtomically(deploy.resolve("x.jar"), garbage);
            TestBundles.handler("test.plain").path("/plain").withoutSymbolicName().writeTo(deploy.resolve("plain.jar"));
            TestBundles.handler("test.unresolved").path("/unresolved").importing("com.example.nobody")
                    .writeTo(deploy.resolve("unresolved.jar"));
            TestBundles.handler("test.throws").path("/throws").activatorThrows().writeTo(deploy.resolve("throws.jar"));
            TestBundles.handler("test.fails").path("/fails").handlerThrows().writeTo(deploy.resolve("fails.jar"));

            Path folder = deploy.toAbsolutePath().normalize();
            for (String name : List.of("x.jar", "plain.jar", "unresolved.jar", "throws.jar")) {
                String prefix = folder.resolve(name) + ": ";
                BoundedWait.until(STEP, "an error line for " + name, () -> !log.lines(Level.SEVERE, prefix).isEmpty());
            }
            active(launcher, "fails.jar");
            assertTrue(log.lines(Level.SEVERE, folder.resolve("x.jar") + ": not deployed: not a complete jar").size() == 1,
                    () -> "x.jar: " + log.lines(Level.SEVERE, ""));
            assertTrue(log.lines(Level.SEVERE, folder.resolve("plain.jar") + ": not deployed: not an OSGi bundle").size() == 1,
                    () -> "plain.jar: " + log.lines(Level.SEVERE, ""));
            List<String> unresolved = log.lines(Level.SEVERE, folder.resolve("unresolved.jar") + ": ");
            assertEquals(1, unresolved.size(), unresolved::toString);
            assertTrue(unresolved.get(0).contains("com.example.nobody"), unresolved::toString);
            List<String> throwing = log.lines(Level.SEVERE, folder.resolve("throws.jar") + ": ");
            assertEquals(1, throwing.size(), throwing::toString);
            assertTrue(throwing.get(0).contains("activator fails on purpose"), throwing::toString);

            assertTrue(launcher.deployed("x.jar").isEmpty());
            assertTrue(launcher.deployed("plain.jar").isEmpty());
            assertEquals(Bundle.INSTALLED, launcher.deployed("unresolved.jar").orElseThrow().getState());
            assertEquals(Bundle.RESOLVED, launcher.deployed("throws.jar").orElseThrow().getState());
            assertNotFound(launcher.connect("/plain"));
            assertNotFound(launcher.connect("/unresolved"));
            assertNotFound(launcher.connect("/throws"));
            WebSocketClient failing = launcher.open("/fails");
            assertClosedBy(CloseStatus.INTERNAL_ERROR, failing);

            assertEquals("hello", launcher.echo("/ws", "hello"));
            assertEquals("v1:hello", launcher.echo("/t", "hello"));
            assertEquals(Bundle.ACTIVE, launcher.framework().getState());
        }
    }

    @Test
    void updateThatDoesNotStartRollsBackAtOnceAndAnyGoodJarPutBackIsWhatRuns() throws Exception {
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            Path jar = deploy.resolve("t.jar");
            byte[] good = TestBundles.handler("test.t").bytes();
            TestBundles.writeAtomically(jar, good);
            launcher.awaitReply("/t", "v1:");
            long bundleId = active(launcher, "t.jar").getBundleId();
            String prefix = deploy.toAbsolutePath().normalize().resolve("t.jar") + ": ";

            var throwing = TestBundles.handler("test.t").version("2.0.0").reply("v2:").activatorThrows();
            var unresolved = TestBundles.handler("test.t").version("3.0.0").reply("v3:").importing("com.example.nobody");
            for (var broken : List.of(throwing, unresolved)) {
                int errors = log.lines(Level.SEVERE, prefix).size();
                broken.writeTo(jar);
                BoundedWait.until(STEP, "the failed update reported", () -> log.lines(Level.SEVERE, prefix).size() > errors);

                // The old revision is back by the time the error is logged: no 404 in between.
                assertEquals("v1:a", launcher.echo("/t", "a"));
                Bundle bundle = launcher.deployed("t.jar").orElseThrow();
                assertEquals(Bundle.ACTIVE, bundle.getState());
                assertEquals(new Version(1, 0, 0), bundle.getVersion());
                assertEquals(bundleId, bundle.getBundleId());
                List<String> lines = log.lines(Level.SEVERE, prefix);
                assertEquals(errors + 1, lines.size(), lines::toString);
                String line = lines.get(lines.size() - 1);
                assertTrue(line.contains("rolled back to test.t 1.0.0"), line);
                assertTrue(line.contains(broken == throwing ? "activator fails on purpose" : "com.example.nobody"), line);
            }

            // The good jar copied back, then touched: it is what runs, so it stays deployed.
            TestBundles.writeAtomically(jar, good);
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(jar).toMillis() + 5_000));
            assertEquals("v1:b", launcher.echo("/t", "b"));
            assertEquals(Bundle.ACTIVE, launcher.deployed("t.jar").orElseThrow().getState());

            // Any good jar put in place is deployed.
            TestBundles.handler("test.t").version("4.0.0").reply("v4:").writeTo(jar);
            launcher.awaitReply("/t", "v4:");
            TestBundles.writeAtomically(jar, good);
            launcher.awaitReply("/t", "v1:");
            assertEquals(new Version(1, 0, 0), active(launcher, "t.jar").getVersion());
            assertEquals(2, log.lines(Level.SEVERE, prefix).size(), () -> log.lines(Level.SEVERE, "").toString());
        }
    }

    @Test
    void deployThreadSurvivesAnyThrowableFromAScanAndARepeatedFailureIsNotAFlood() throws Exception {
        AtomicInteger listings = new AtomicInteger();
        DeployDirectory.Listing failing = folder -> {
            int n = listings.incrementAndGet(); // 1 is the scan in start()
            if (n == 2) {
                throw new OutOfMemoryError("injected: Java heap space");
            } else if (n == 3) {
                throw new StackOverflowError("injected");
            } else if (n >= 4 && n < 24) {
                throw new IllegalStateException("injected " + n); // the same kind, 20 times
            }
            return DeployDirectory.listFolder(folder);
        };
        try (LogRecorder log = LogRecorder.of(Launcher.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache, failing)) {
            BoundedWait.until(STEP, "22 failed scans", () -> listings.get() >= 24);
            TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));

            launcher.awaitReply("/t", "v1:");
            List<String> lines = log.lines(Level.SEVERE, "deploy folder scan failed, going on: ");
            assertEquals(3, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains("java.lang.OutOfMemoryError: injected: Java heap space"), lines::toString);
            assertTrue(lines.get(2).contains("java.lang.IllegalStateException: injected 4"), lines::toString);
            List<String> recovered = log.lines(Level.INFO, "deploy folder scan works again");
            assertEquals(1, recovered.size(), recovered::toString);
            assertTrue(recovered.get(0).contains("after 22 failed in a row"), recovered::toString);
        }
    }

    @Test
    void jarRefusedForTheSameNameAndVersionAsAnotherIsDeployedOnceThatOneIsRemoved() throws Exception {
        // A new build under a new file name, same Bundle-SymbolicName and Bundle-Version (a
        // SNAPSHOT), copied in before the old file is deleted.
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.handler("test.t").writeTo(deploy.resolve("t-1.jar"));
            launcher.awaitReply("/t", "v1:");

            TestBundles.handler("test.t").reply("v2:").writeTo(deploy.resolve("t-2.jar"));
            String refused = deploy.toAbsolutePath().normalize().resolve("t-2.jar") + ": install failed";
            BoundedWait.until(STEP, "t-2.jar refused while t-1.jar holds test.t 1.0.0",
                    () -> !log.lines(Level.SEVERE, refused).isEmpty());
            Files.delete(deploy.resolve("t-1.jar"));

            launcher.awaitReply("/t", "v2:");
            assertEquals(Bundle.ACTIVE, active(launcher, "t-2.jar").getState());
            assertTrue(launcher.deployed("t-1.jar").isEmpty());
        }
    }

    @Test
    void handlerWaitingForAPackageStartsWhenTheJarExportingItArrives() throws Exception {
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.handler("test.h").path("/h").importing("testlib").writeTo(deploy.resolve("h.jar"));
            String unresolved = deploy.toAbsolutePath().normalize().resolve("h.jar") + ": ";
            BoundedWait.until(STEP, "h.jar reported as not startable", () -> !log.lines(Level.SEVERE, unresolved).isEmpty());
            assertEquals(Bundle.INSTALLED, launcher.deployed("h.jar").orElseThrow().getState());

            TestBundles.writeAtomically(deploy.resolve("lib.jar"), TestBundles.library("test.lib", "testlib"));

            launcher.awaitReply("/h", "v1:");
            active(launcher, "h.jar");
        }
    }

    @Test
    void handlerAndTheJarExportingItsPackagePresentAtStartAreLiveWhicheverIsListedFirst() throws Exception {
        for (List<String> names : List.of(List.of("a.jar", "z.jar"), List.of("z.jar", "a.jar"))) {
            for (Path jar : Files.newDirectoryStream(deploy)) {
                Files.delete(jar);
            }
            TestBundles.handler("test.h").path("/h").importing("testlib").writeTo(deploy.resolve(names.get(0)));
            TestBundles.writeAtomically(deploy.resolve(names.get(1)), TestBundles.library("test.lib", "testlib"));
            try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
                assertEquals("v1:a", launcher.echo("/h", "a"), () -> "handler in " + names.get(0));
            }
        }
    }

    @Test
    void connectionLoopDuringAnUpdateSeesNoFailedHandshake() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            Path jar = deploy.resolve("t.jar");
            TestBundles.handler("test.t").writeTo(jar);
            launcher.awaitReply("/t", "v1:");
            // The new revision takes 300 ms to register its handler: handshakes arriving then
            // must wait for it (handover grace) rather than get 404.
            byte[] v2 = TestBundles.handler("test.t").version("2.0.0").reply("v2:").slowStart(300).bytes();

            List<String> failures = new CopyOnWriteArrayList<>();
            List<String> replies = new CopyOnWriteArrayList<>();
            AtomicInteger v2Replies = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Thread loop = Thread.ofPlatform().name("connect-loop").start(() -> {
                // At least 200 connections, and on until the new revision has answered 50 of them.
                while ((replies.size() < 200 || v2Replies.get() < 50) && failures.isEmpty()
                        && System.nanoTime() - deadline < 0) {
                    WebSocketClient client = new WebSocketClient(launcher.url("/t"));
                    ConnectResult result = client.connect();
                    if (!result.isConnected()) {
                        failures.add("connection " + replies.size() + ": " + result);
                        break;
                    }
                    try {
                        String reply = ask(client, "x");
                        replies.add(reply);
                        if (reply.equals("v2:x")) {
                            v2Replies.incrementAndGet();
                        }
                    } catch (AssertionError e) {
                        failures.add("connection " + replies.size() + ": " + e.getMessage());
                    } finally {
                        client.close();
                    }
                }
            });
            BoundedWait.until(STEP, "20 connections before the update", () -> replies.size() >= 20 || !loop.isAlive());
            TestBundles.writeAtomically(jar, v2);
            loop.join(TimeUnit.SECONDS.toMillis(30));

            assertFalse(loop.isAlive());
            assertEquals(List.of(), failures);
            assertTrue(replies.size() >= 200, () -> replies.size() + " connections");
            int firstV2 = replies.indexOf("v2:x");
            assertTrue(firstV2 >= 20, () -> "v2 first answered connection " + firstV2);
            assertEquals(List.of("v1:x"), replies.subList(0, firstV2).stream().distinct().toList());
            assertEquals(List.of("v2:x"), replies.subList(firstV2, replies.size()).stream().distinct().toList(),
                    "once the new revision answers, every later handshake reaches it");
        }
    }

    @Test
    void jarWrittenSlowlyIsInstalledOnceAndComplete() throws Exception {
        AtomicInteger listings = new AtomicInteger(); // scans begun: each lists the folder once
        DeployDirectory.Listing counting = folder -> {
            listings.incrementAndGet();
            return DeployDirectory.listFolder(folder);
        };
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache, counting, "--quiet-period", "1s")) {
            String location = DeployDirectory.LOCATION_PREFIX + "slow.jar";
            List<Integer> events = new CopyOnWriteArrayList<>();
            BundleListener listener = event -> {
                if (event.getBundle().getLocation().equals(location)) {
                    events.add(event.getType());
                }
            };
            launcher.framework().getBundleContext().addBundleListener(listener);
            byte[] content = TestBundles.handler("test.slow").path("/slow").reply("s:").bytes();

            try (OutputStream out = Files.newOutputStream(deploy.resolve("slow.jar"))) {
                int half = content.length / 2;
                out.write(content, 0, half);
                out.flush();
                // A slow writer: it pauses until two whole scans have seen the half-written jar (a
                // scan that begins listing after the flush sees it; scans run one after another, so
                // once a third has begun two are over), well short of the 1 s quiet period.
                int flushedAt = listings.get();
                BoundedWait.until(STEP, "two scans over the half-written jar", () -> listings.get() >= flushedAt + 3);
                assertEquals(Optional.empty(), launcher.deployed("slow.jar"), "the half-written jar left alone");
                out.write(content, half, content.length - half);
            }

            Bundle bundle = active(launcher, "slow.jar");
            assertEquals("s:x", launcher.echo("/slow", "x"));
            assertEquals(List.of(BundleEvent.INSTALLED), events.stream().filter(t -> t == BundleEvent.INSTALLED
                    || t == BundleEvent.UPDATED || t == BundleEvent.UNINSTALLED).toList());
            assertEquals(List.of(), log.lines(Level.SEVERE, ""), "the half-written jar was never looked at");
            assertTrue(Arrays.equals(content, Files.readAllBytes(deploy.resolve("slow.jar"))));
            assertEquals("test.slow", bundle.getSymbolicName());
        }
    }

    @Test
    void brokenCopyOverwrittenByTheDeployedJarAgainUpdatesNothing() throws Exception {
        // e.g. a copy of the same jar that paused longer than the quiet period half-way
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class);
                RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            Path jar = deploy.resolve("t.jar");
            byte[] content = TestBundles.handler("test.t").bytes();
            TestBundles.writeAtomically(jar, content);
            launcher.awaitReply("/t", "v1:");
            List<Integer> events = new CopyOnWriteArrayList<>();
            // Synchronous: an asynchronous listener may miss STARTED when the framework stops right after it.
            launcher.framework().getBundleContext().addBundleListener(
                    (org.osgi.framework.SynchronousBundleListener) event -> events.add(event.getType()));
            WebSocketClient open = launcher.open("/t");
            assertEquals("v1:a", ask(open, "a"));

            String prefix = deploy.toAbsolutePath().normalize().resolve("t.jar") + ": ";
            TestBundles.writeAtomically(jar, Arrays.copyOf(content, content.length / 2));
            BoundedWait.until(STEP, "the half jar reported", () -> !log.lines(Level.SEVERE, prefix).isEmpty());
            int before = log.lines(Level.INFO, prefix).size();
            TestBundles.writeAtomically(jar, content);
            BoundedWait.until(STEP, "the restored jar handled", () -> log.lines(Level.INFO, prefix).size() > before);

            assertEquals(List.of(), events, "no bundle event");
            assertEquals(1, log.lines(Level.SEVERE, prefix).size(), () -> log.lines(Level.SEVERE, "").toString());
            assertEquals("v1:b", ask(open, "b"));
            assertTrue(open.isOpen());
            open.close();
        }
    }

    @Test
    void stopWhileAJarIsStartingLetsItStartAndLogsNoError() throws Exception {
        try (LogRecorder log = LogRecorder.of(DeployDirectory.class)) {
            RunningLauncher launcher = RunningLauncher.start(deploy, cache);
            List<Integer> events = new CopyOnWriteArrayList<>();
            // Synchronous: an asynchronous listener may miss STARTED when the framework stops right after it.
            launcher.framework().getBundleContext().addBundleListener(
                    (org.osgi.framework.SynchronousBundleListener) event -> events.add(event.getType()));
            try {
                TestBundles.handler("test.t").slowStart(500).writeTo(deploy.resolve("t.jar"));
                BoundedWait.until(STEP, "t.jar starting", () -> launcher.deployed("t.jar")
                        .filter(b -> b.getState() == Bundle.STARTING).isPresent());
            } finally {
                launcher.close();
            }
            assertEquals(List.of(), log.lines(Level.SEVERE, ""));
            assertTrue(events.contains(BundleEvent.STARTED), events::toString);
        }
    }

    @Test
    void jarsPresentAtStartAreLiveWhenStartReturns() throws Exception {
        TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));
        TestBundles.handler("test.u").path("/u").reply("u:").writeTo(deploy.resolve("u.jar"));
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            assertEquals("v1:a", launcher.echo("/t", "a"));
            assertEquals("u:a", launcher.echo("/u", "a"));
            assertEquals(Bundle.ACTIVE, launcher.deployed("t.jar").orElseThrow().getState());
        }
    }

    @Test
    void restartWithTheSameCacheDoesNotDuplicateBundles() throws Exception {
        TestBundles.handler("test.t").writeTo(deploy.resolve("t.jar"));
        List<String> first;
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            assertEquals("v1:a", launcher.echo("/t", "a"));
            first = locations(launcher);
        }
        List<String> expected = new ArrayList<>(List.of("System Bundle"));
        Launcher.CORE_BUNDLES.forEach(name -> expected.add("switchboard:core/" + name));
        expected.add(DeployDirectory.LOCATION_PREFIX + "t.jar");
        assertEquals(expected, first);
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            assertEquals(expected, locations(launcher));
            assertEquals("v1:b", launcher.echo("/t", "b"));
            assertEquals("b", launcher.echo("/ws", "b"));
        }
    }

    private static List<String> locations(RunningLauncher launcher) {
        return Arrays.stream(launcher.framework().getBundleContext().getBundles()).map(Bundle::getLocation).toList();
    }

    @Test
    void higherServiceRankingWinsAPathWhicheverCameFirst() throws Exception {
        try (RunningLauncher launcher = RunningLauncher.start(deploy, cache)) {
            TestBundles.handler("test.high").path("/r").reply("high:").ranking(10).writeTo(deploy.resolve("high.jar"));
            launcher.awaitReply("/r", "high:");

            TestBundles.handler("test.low").path("/r").reply("low:").ranking(5).writeTo(deploy.resolve("low.jar"));
            active(launcher, "low.jar");
            assertEquals("high:x", launcher.echo("/r", "x"));

            Files.delete(deploy.resolve("high.jar"));
            launcher.awaitReply("/r", "low:");

            TestBundles.handler("test.high").path("/r").reply("high:").ranking(10).writeTo(deploy.resolve("high.jar"));
            launcher.awaitReply("/r", "high:");
            assertEquals("high:y", launcher.echo("/r", "y"));
        }
    }
}
