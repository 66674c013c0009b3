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

    /**
     * A started launcher serving ws and wss, with a certificate for localhost and 127.0.0.1 issued
     * by a test CA that its clients trust; closing it stops the launcher.
     */
    private final class TlsLauncher implements AutoCloseable {
        private static final Pattern READY =
                Pattern.compile("Switchboard ready: ws://127\\.0\\.0\\.1:(\\d+)/ws, wss://127\\.0\\.0\\.1:(\\d+)/ws \\(.*");

        final Launcher launcher;
        /** The ws:// and wss:// URLs of the echo path, from the ready line. */
        final String ws;
        final String wss;
        private final TlsClient trusting;

        TlsLauncher() throws Exception {
            Issued ca = TestPki.ca("Test CA", Algorithm.EC);
            Issued server = ca.issue("localhost", Algorithm.EC, Usage.SERVER, "localhost", "127.0.0.1");
            Path cert = TestPki.write(dir, "cert.pem", server.certificatePem());
            Path key = TestPki.write(dir, "key.pem", server.pkcs8Pem());
            launcher = launcher("--tls-cert", cert.toString(), "--tls-key", key.toString());
            try {
                String ready = launcher.start();
                Matcher m = READY.matcher(ready);
                assertTrue(m.matches(), ready);
                ws = "ws://127.0.0.1:" + m.group(1) + "/ws";
                wss = "wss://127.0.0.1:" + m.group(2) + "/ws";
            } catch (Exception | AssertionError e) {
                launcher.stop("test start failed");
                throw e;
            }
            trusting = TlsClient.builder().trustedCertificates(ca.certificate()).build();
        }

        /** A client for {@link #wss} that trusts the test CA; not yet connected. */
        WebSocketClient wssClient() {
            return new WebSocketClient(wss, Headers.empty(), WebSocketOptions.defaults(), trusting);
        }

        /** {@code text} echoed over a fresh wss session. */
        String echoOverWss(String text) {
            return echo(wssClient(), text);
        }

        /** {@code text} echoed over a fresh plain ws session. */
        String echoOverWs(String text) {
            return echo(new WebSocketClient(ws), text);
        }

        /** One of the core bundles the launcher carries, by jar name. */
        Bundle coreBundle(String jar) {
            return launcher.framework().getBundleContext().getBundle("switchboard:core/" + jar);
        }

        @Override
        public void close() {
            launcher.stop("test over");
        }
    }

    @Test
    void twoFlagsServeWssBesidePlainWs() throws Exception {
        try (TlsLauncher served = new TlsLauncher()) {
            assertEquals("over wss", served.echoOverWss("over wss"));
            assertEquals("over ws", served.echoOverWs("over ws"));
        }
    }

    /**
     * A bundle that makes a {@code WebSocketClient} without a transport gets the framework's
     * transport services, since {@code ServiceLoader} sees no other bundle: TCP for ws://, and for
     * wss:// the default TLS client, which checks the chain against the JDK's trust store.
     */
    @Test
    void clientsMadeInsideTheFrameworkUseItsTransportServices() throws Exception {
        try (TlsLauncher served = new TlsLauncher()) {
            Bundle websocket = Arrays.stream(served.launcher.framework().getBundleContext().getBundles())
                    .filter(b -> "io.switchboard.websocket".equals(b.getSymbolicName())).findFirst().orElseThrow();
            Class<?> clientClass = websocket.loadClass(WebSocketClient.class.getName());
            assertNotEquals(WebSocketClient.class, clientClass, "the bundle's own class, not the test's");

            Object plain = clientClass.getConstructor(String.class).newInstance(served.ws);
            Object connected = clientClass.getMethod("connect").invoke(plain);
            assertEquals("CONNECTED", call(connected, "outcome").toString(), connected::toString);
            assertEquals(true, clientClass.getMethod("send", String.class).invoke(plain, "from inside"));
            assertEquals("from inside", call(call(plain, "read"), "text"));
            call(plain, "close");

            Object secure = clientClass.getConstructor(String.class).newInstance(served.wss);
            Object refused = clientClass.getMethod("connect").invoke(secure);
            assertEquals("TLS_UNTRUSTED", call(refused, "outcome").toString(), refused::toString);
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
        try (TlsLauncher served = new TlsLauncher()) {
            Bundle tls = served.coreBundle("switchboard-tls.jar");
            tls.stop();
            assertEquals("ws meanwhile", served.echoOverWs("ws meanwhile"));
            tls.start();
            assertEquals("wss again", served.echoOverWss("wss again"));
        }
    }

    /**
     * TLS is a layer over the TCP transport service: with the transport bundle stopped, wss is
     * gone with ws; started again, wss comes back over the new TCP transport on the same port.
     */
    @Test
    void transportBundleRestartBringsWssBackOverTheNewTcpTransport() throws Exception {
        try (TlsLauncher served = new TlsLauncher()) {
            assertEquals("before", served.echoOverWss("before"));
            Bundle transport = served.coreBundle("switchboard-transport.jar");
            transport.stop();
            ConnectResult refused = served.wssClient().connect();
            assertEquals(ConnectResult.Outcome.REFUSED, refused.outcome(), refused.toString());
            transport.start();
            assertEquals("after", served.echoOverWss("after"));
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
        try (TlsLauncher served = new TlsLauncher()) {
            Bundle tls = served.coreBundle("switchboard-tls.jar");
            for (int i = 0; i < 3; i++) {
                // the revision's scheduler runs the server's handshake deadline
                assertEquals("x" + i, served.echoOverWss("x" + i));
                try (java.io.InputStream jar = Launcher.class.getResourceAsStream("/bundles/switchboard-tls.jar")) {
                    tls.update(jar);
                }
            }
        }
        // One more may be the test's own client's.
        BoundedWait.until(RunningLauncher.STEP, "deadline threads back to " + before + " (+1)",
                () -> deadlineThreads() <= before + 1);
    }
}
