package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import io.switchboard.api.Message;
import io.switchboard.tls.TestPki;
import io.switchboard.tls.TestPki.Algorithm;
import io.switchboard.tls.TestPki.Issued;
import io.switchboard.tls.TestPki.Usage;
import io.switchboard.tls.TlsClient;
import io.switchboard.websocket.ConnectResult;
import io.switchboard.websocket.WebSocketClient;
import io.switchboard.websocket.WebSocketOptions;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher serving wss from two flags, with or without plain ws, and refusing bad key files. */
@Timeout(60)
class LauncherTlsTest {

    @TempDir
    Path dir;

    private Launcher launcher(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--tls-port", "0",
                "--deploy", dir.resolve("handlers").toString(), "--cache", dir.resolve("cache").toString()));
        args.addAll(List.of(flags));
        return new Launcher(LauncherConfig.parse(args, new Properties()));
    }

    private static String echo(WebSocketClient client, String text) {
        ConnectResult result = client.connect();
        assertTrue(result.isConnected(), result.toString());
        try {
            assertTrue(client.send(text));
            return ((Message.Text) client.read()).text();
        } finally {
            client.close();
        }
    }

    /** A launcher given a certificate for localhost and 127.0.0.1 issued by {@code ca}: ws and wss. */
    private Launcher launcherWithTls(Issued ca) throws Exception {
        Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost", "127.0.0.1");
        Path cert = TestPki.write(dir, "cert.pem", server.certificatePem());
        Path key = TestPki.write(dir, "key.pem", server.pkcs8Pem());
        return launcher("--tls-cert", cert.toString(), "--tls-key", key.toString());
    }

    /** The ready line of a launcher serving ws and wss; group 1 is the ws port, group 2 the wss port. */
    private static Matcher bothPorts(String ready) {
        Matcher m = Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws, wss://127\\.0\\.0\\.1:(\\d+)/ws \\(.*")
                .matcher(ready);
        assertTrue(m.matches(), ready);
        return m;
    }

    @Test
    void twoFlagsServeWssBesidePlainWs() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        Launcher launcher = launcherWithTls(ca);
        try {
            Matcher m = bothPorts(launcher.start());
            TlsClient trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
            assertEquals("over wss", echo(new WebSocketClient("wss://127.0.0.1:" + m.group(2) + "/ws",
                    Headers.empty(), WebSocketOptions.defaults(), trusting), "over wss"));
            assertEquals("over ws", echo(new WebSocketClient("ws://127.0.0.1:" + m.group(1) + "/ws"), "over ws"));
        } finally {
            launcher.stop("test over");
        }
    }

    /**
     * A bundle that makes a {@code WebSocketClient} without a transport gets the framework's
     * transport services, since {@code ServiceLoader} sees no other bundle: TCP for ws://, and for
     * wss:// the default TLS client, which checks the chain against the JDK's trust store.
     */
    @Test
    void clientsMadeInsideTheFrameworkUseItsTransportServices() throws Exception {
        Launcher launcher = launcherWithTls(TestPki.ca("Test CA", Algorithm.EC));
        try {
            Matcher m = bothPorts(launcher.start());
            Bundle websocket = Arrays.stream(launcher.framework().getBundleContext().getBundles())
                    .filter(b -> "io.switchboard.websocket".equals(b.getSymbolicName())).findFirst().orElseThrow();
            Class<?> clientClass = websocket.loadClass(WebSocketClient.class.getName());
            assertNotEquals(WebSocketClient.class, clientClass, "the bundle's own class, not the test's");

            Object plain = clientClass.getConstructor(String.class).newInstance("ws://127.0.0.1:" + m.group(1) + "/ws");
            Object connected = clientClass.getMethod("connect").invoke(plain);
            assertEquals("CONNECTED", call(connected, "outcome").toString(), connected::toString);
            assertEquals(true, clientClass.getMethod("send", String.class).invoke(plain, "from inside"));
            assertEquals("from inside", call(call(plain, "read"), "text"));
            call(plain, "close");

            Object secure = clientClass.getConstructor(String.class).newInstance("wss://127.0.0.1:" + m.group(2) + "/ws");
            Object refused = clientClass.getMethod("connect").invoke(secure);
            assertEquals("TLS_UNTRUSTED", call(refused, "outcome").toString(), refused::toString);
        } finally {
            launcher.stop("test over");
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    @Test
    void plainWsCanBeTurnedOff() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.RSA);
        Issued server = ca.issue("localhost", Algorithm.RSA, Usage.SERVER, "127.0.0.1");
        Path cert = TestPki.write(dir, "cert.pem", server.certificatePem());
        Path key = TestPki.write(dir, "key.pem", server.encryptedPkcs8Pem("secret"));
        Path password = TestPki.write(dir, "key-password", "secret\n");
        Launcher launcher = launcher("--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--tls-key-password-file", password.toString(), "--plain", "false");
        try {
            String ready = launcher.start();
            Matcher m = Pattern.compile("Switchboard ready: wss://127\\.0\\.0\\.1:(\\d+)/ws \\(.*").matcher(ready);
            assertTrue(m.matches(), ready);
            TlsClient trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
            assertEquals("only wss", echo(new WebSocketClient("wss://127.0.0.1:" + m.group(1) + "/ws",
                    Headers.empty(), WebSocketOptions.defaults(), trusting), "only wss"));
        } finally {
            launcher.stop("test over");
        }
    }

    @Test
    void aKeyFileThatIsNotPemStopsTheStartWithOneLineNamingIt() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "127.0.0.1");
        Path cert = TestPki.write(dir, "cert.pem", server.certificatePem());
        Path key = TestPki.write(dir, "key.pem", "this is not a key");
        Launcher launcher = launcher("--tls-cert", cert.toString(), "--tls-key", key.toString());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, launcher::start);
            assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            String line = Launcher.startFailure(e); // what the launcher logs before exiting with 1
            assertEquals("Switchboard failed to start: " + e.getMessage(), line);
            assertEquals(line.indexOf(key.toString()), line.lastIndexOf(key.toString()), "the file is named once: " + line);
        } finally {
            launcher.stop("test over");
        }
    }

    /** The TLS bundle stopped and started: wss comes back on the port the ready line named; ws is untouched. */
    @Test
    void tlsBundleRestartServesWssAgainOnTheSamePort() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        Launcher launcher = launcherWithTls(ca);
        try {
            Matcher m = bothPorts(launcher.start());
            TlsClient trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
            String wss = "wss://127.0.0.1:" + m.group(2) + "/ws";
            Bundle tls = launcher.framework().getBundleContext().getBundle("switchboard:core/switchboard-tls.jar");
            tls.stop();
            assertEquals("ws meanwhile", echo(new WebSocketClient("ws://127.0.0.1:" + m.group(1) + "/ws"), "ws meanwhile"));
            tls.start();
            assertEquals("wss again", echo(new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting),
                    "wss again"));
        } finally {
            launcher.stop("test over");
        }
    }

    /**
     * TLS is a layer over the TCP transport service: with the transport bundle stopped, wss is
     * gone with ws; started again, wss comes back over the new TCP transport on the same port.
     */
    @Test
    void transportBundleRestartBringsWssBackOverTheNewTcpTransport() throws Exception {
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        Launcher launcher = launcherWithTls(ca);
        try {
            Matcher m = bothPorts(launcher.start());
            TlsClient trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
            String wss = "wss://127.0.0.1:" + m.group(2) + "/ws";
            assertEquals("before", echo(new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting),
                    "before"));
            Bundle transport = launcher.framework().getBundleContext()
                    .getBundle("switchboard:core/switchboard-transport.jar");
            transport.stop();
            ConnectResult refused = new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting)
                    .connect();
            assertEquals(ConnectResult.Outcome.REFUSED, refused.outcome(), refused.toString());
            transport.start();
            assertEquals("after", echo(new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting),
                    "after"));
        } finally {
            launcher.stop("test over");
        }
    }

    private static long deadlineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("switchboard-tls-deadlines")).count();
    }

    /** Each revision of the TLS bundle runs handshake deadlines on a thread; idle, none stays behind. */
    @Test
    void updatedTlsBundleLeavesNoDeadlineThreadBehind() throws Exception {
        long before = deadlineThreads();
        Issued ca = TestPki.ca("Test CA", Algorithm.EC);
        Launcher launcher = launcherWithTls(ca);
        try {
            Matcher m = bothPorts(launcher.start());
            TlsClient trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
            String wss = "wss://127.0.0.1:" + m.group(2) + "/ws";
            Bundle tls = launcher.framework().getBundleContext().getBundle("switchboard:core/switchboard-tls.jar");
            for (int i = 0; i < 3; i++) {
                assertEquals("x" + i, echo(new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting),
                        "x" + i)); // the revision's scheduler runs the server's handshake deadline
                try (java.io.InputStream jar = Launcher.class.getResourceAsStream("/bundles/switchboard-tls.jar")) {
                    tls.update(jar);
                }
            }
        } finally {
            launcher.stop("test over");
        }
        // One more may be the test's own client's.
        BoundedWait.until(RunningLauncher.STEP, "deadline threads back to " + before + " (+1)",
                () -> deadlineThreads() <= before + 1);
    }
}
