package io.switchboard.launcher;

import static io.switchboard.launcher.LauncherProcesses.JAR;
import static io.switchboard.launcher.LauncherProcesses.JAVA;
import static io.switchboard.launcher.LauncherProcesses.JAVA_17;
import static io.switchboard.launcher.RunningLauncher.ask;
import static io.switchboard.launcher.RunningLauncher.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.launcher.LauncherProcesses.Child;
import io.switchboard.websocket.WebSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar launcher.jar} as a child process: the ready line, echo through it, SIGTERM
 * (Process.destroy() on Linux), exit codes. Runs in the integration-test phase, after the jar
 * is built.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherIT {

    /** Upper bound for any one step: the ready line, the exit, the end of an output. */
    private static final Duration STEP = Duration.ofSeconds(20);
    private static final Pattern USAGE_HELP_LINE = Pattern.compile("^  --help +print this text$");

    @TempDir
    Path deploy;
    @TempDir
    Path cache;

    @AutoClose
    private final LauncherProcesses children = new LauncherProcesses();

    private void assertSigtermClosesSessionsWith1001AndExitsZero(Child child) throws Exception {
        int port = child.awaitReady(deploy, STEP);
        String url = "ws://127.0.0.1:" + port + "/ws";
        WebSocketClient once = new WebSocketClient(url);
        assertTrue(once.connect().isConnected());
        assertEquals("hello", ask(once, "hello"));
        once.close();
        WebSocketClient open = new WebSocketClient(url);
        assertTrue(open.connect().isConnected());
        assertEquals("still here", ask(open, "still here"));

        child.process().destroy(); // SIGTERM

        assertNull(read(open), "the server ends the session");
        assertEquals(1001, open.closeStatus().orElseThrow().code());
        assertEquals(0, child.awaitExit(STEP), () -> "exit code; stderr:\n" + child.stderr().text());
    }

    @Test
    void sigtermClosesLiveSessionsWith1001AndExitsZero() throws Exception {
        assertSigtermClosesSessionsWith1001AndExitsZero(children.launchServing(JAVA, deploy, cache));
    }

    @Test
    void onJava17ItHandsOverAndStillExitsZeroOnSigterm() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Child child = children.launchServing(JAVA_17.toString(), deploy, cache);
        assertSigtermClosesSessionsWith1001AndExitsZero(child);
        assertEquals(List.of(), child.process().descendants().filter(ProcessHandle::isAlive).toList(),
                "the JDK 21+ child ended with its parent");
    }

    @Test
    void badPortExitsWith2AndOneLine() throws Exception {
        Child child = children.launch(JAVA, JAR, "--port", "abc");
        assertEquals(2, child.awaitExit(STEP));
        assertEquals(List.of("switchboard: invalid value for --port: 'abc' (expected 0-65535)"),
                child.stderr().untilEnd(STEP));
        assertEquals(List.of(), child.stdout().untilEnd(STEP));
    }

    @Test
    void helpExitsWith0AndListsTheFlags() throws Exception {
        Child child = children.launch(JAVA, JAR, "--help");
        assertEquals(0, child.awaitExit(STEP));
        List<String> usage = child.stdout().untilEnd(STEP);
        assertTrue(usage.stream().anyMatch(l -> USAGE_HELP_LINE.matcher(l).matches()), usage::toString);
        assertTrue(usage.stream().anyMatch(l -> l.startsWith("  --port <v>")), usage::toString);
        assertEquals(List.of(), child.stderr().untilEnd(STEP));
    }

    @Test
    void onJava17ItHandsOverFromAFolderWithASpaceInItsName() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        Path folder = Files.createDirectories(cache.resolve("a folder"));
        Path jar = Files.copy(JAR, folder.resolve("launcher.jar"));
        Child child = children.launch(JAVA_17.toString(), jar, "--help");
        assertEquals(0, child.awaitExit(STEP), () -> "exit code; stderr:\n" + child.stderr().text());
        List<String> usage = child.stdout().untilEnd(STEP);
        assertTrue(usage.stream().anyMatch(l -> USAGE_HELP_LINE.matcher(l).matches()), usage::toString);
        assertEquals(List.of(), child.stderr().untilEnd(STEP));
    }
}
