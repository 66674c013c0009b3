package io.switchboard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.launcher.LauncherConfig.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LauncherConfigTest {

    private static final Properties NO_PROPERTIES = new Properties();

    @TempDir
    Path dir;

    private static LauncherConfig parse(String... args) throws ConfigException {
        return LauncherConfig.parse(List.of(args), NO_PROPERTIES);
    }

    private static Properties properties(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws ConfigException {
        LauncherConfig c = parse();
        assertEquals(new LauncherConfig("0.0.0.0", 8080, Path.of("handlers"), Path.of("felix-cache"), Level.INFO,
                16L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 0, Duration.ofSeconds(300), Duration.ofSeconds(30), 0, false,
                null, null, null, null, "need", 8443, true, Duration.ofMillis(250), Duration.ofMillis(500),
                LauncherConfig.Protection.DEFAULTS, null, LauncherConfig.Operations.DEFAULTS,
                LauncherConfig.Compression.DEFAULTS, Duration.ofSeconds(1), -1), c);
    }

    @Test
    void flagTakesItsValueFromTheNextArgumentOrAfterAnEqualsSign() throws ConfigException {
        assertEquals(9000, parse("--port", "9000").port());
        assertEquals(9000, parse("--port=9000").port());
        assertEquals(0, parse("--port=0").port());
        LauncherConfig c = parse("--host=127.0.0.1", "--deploy", "d", "--cache=c", "--log-level", "debug",
                "--max-message-size", "64KiB", "--close-timeout=2s", "--handshake-timeout", "750ms",
                "--drain-timeout", "0", "--ping-interval=0", "--max-missed-pongs", "3", "--read-timeout", "1m",
                "--write-timeout", "0s", "--max-sessions=100", "--scan-interval", "1m", "--quiet-period=0ms",
                "--idle-threshold", "50ms", "--express-threads", "3");
        assertEquals(new LauncherConfig("127.0.0.1", 8080, Path.of("d"), Path.of("c"), Level.FINE, 65536,
                Duration.ofSeconds(2), Duration.ofMillis(750), Duration.ZERO, Duration.ZERO, 3, Duration.ofMinutes(1),
                Duration.ZERO, 100, false, null, null, null, null, "need", 8443, true, Duration.ofMinutes(1),
                Duration.ZERO, LauncherConfig.Protection.DEFAULTS, null, LauncherConfig.Operations.DEFAULTS,
                LauncherConfig.Compression.DEFAULTS, Duration.ofMillis(50), 3), c);
        assertEquals(0, parse("--express-threads=0").expressThreads());
        assertEquals(-1, parse("--express-threads=AUTO").expressThreads());
        assertEquals(new LauncherConfig.Compression(9, 2, false), parse("--compression-window-bits", "9",
                "--compression-memory-level=2", "--compression-context-takeover", "false").compressionPolicy());
        assertEquals(new LauncherConfig.Protection(3L * 1024 * 1024 * 1024, 5, 0, 10, 20),
                parse("--max-inbound-memory", "3GiB", "--control-frame-rate=5", "--descriptor-reserve", "0",
                        "--max-connections-per-address", "10", "--max-handshakes-per-address=20").protection());
        assertEquals(0, parse("--max-inbound-memory=0").protection().maxInboundMemory());
    }

    @Test
    void clusterRedisTakesARedisUriAndBecomesAFrameworkProperty() throws ConfigException {
        assertEquals("redis://127.0.0.1:6379", parse("--cluster-redis", "redis://127.0.0.1:6379")
                .allFrameworkProperties().get("switchboard.cluster.redis"));
        assertEquals(null, parse().allFrameworkProperties().get("switchboard.cluster.redis"));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("--cluster-redis", "http://127.0.0.1:6379"));
        assertEquals("invalid value for --cluster-redis: 'http://127.0.0.1:6379' (expected redis://host:port)", e.getMessage());
    }

    @Test
    void laterFlagOfTheSameNameWins() throws ConfigException {
        assertEquals(2, parse("--port", "1", "--port=2").port());
    }

    @ParameterizedTest
    @CsvSource({"65536, 65536", "64K, 65536", "64kb, 65536", "1MiB, 1048576", "2 M, 2097152", "100B, 100"})
    void sizesTakeBinaryUnits(String flag, long bytes) throws ConfigException {
        assertEquals(bytes, parse("--max-message-size", flag).maxMessageSize());
    }

    @Test
    void fileIsOverriddenBySystemPropertiesWhichAreOverriddenByFlags() throws Exception {
        Path file = dir.resolve("switchboard.properties");
        Files.writeString(file, "port = 1000\nhost = file-host\nlog-level = ERROR\n");
        Properties system = properties("switchboard.port", "2000", "switchboard.host", "property-host");

        LauncherConfig all = LauncherConfig.parse(List.of("--config", file.toString(), "--port", "3000"), system);
        assertEquals(3000, all.port());
        assertEquals("property-host", all.host());
        assertEquals(Level.SEVERE, all.logLevel());

        LauncherConfig noFlag = LauncherConfig.parse(List.of("--config", file.toString()), system);
        assertEquals(2000, noFlag.port());

        LauncherConfig fileOnly = LauncherConfig.parse(List.of("--config=" + file), NO_PROPERTIES);
        assertEquals(1000, fileOnly.port());
        assertEquals("file-host", fileOnly.host());
    }

    @Test
    void configFileCanBeNamedBySystemProperty() throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "drain-timeout=7s\n");
        LauncherConfig c = LauncherConfig.parse(List.of(), properties("switchboard.config", file.toString()));
        assertEquals(Duration.ofSeconds(7), c.drainTimeout());
    }

    @Test
    void helpReturnsNullWhateverElseIsGiven() throws ConfigException {
        assertNull(parse("--help"));
        assertNull(parse("-h"));
        assertNull(parse("--port", "9000", "--help"));
    }

    @Test
    void helpListsEveryFlag() {
        String help = LauncherConfig.help();
        for (String flag : List.of("--host", "--port", "--deploy", "--cache", "--log-level", "--max-message-size",
                "--close-timeout", "--handshake-timeout", "--drain-timeout", "--ping-interval", "--max-missed-pongs",
                "--read-timeout", "--write-timeout", "--idle-threshold", "--max-sessions", "--scan-interval", "--quiet-period",
                "--max-inbound-memory", "--control-frame-rate", "--descriptor-reserve",
                "--max-connections-per-address", "--max-handshakes-per-address", "--compression-window-bits",
                "--compression-memory-level", "--compression-context-takeover",
                "--config", "--help")) {
            assertTrue(help.contains(flag + " "), () -> flag + " missing from --help:\n" + help);
        }
    }

    @Test
    void flagDefaultsAreTheLibraryDefaults() throws Exception {
        LauncherConfig c = parse();
        io.switchboard.websocket.WebSocketOptions o = io.switchboard.websocket.WebSocketOptions.defaults();
        assertEquals(o.maxMessageSize(), c.maxMessageSize());
        assertEquals(o.closeTimeout(), c.closeTimeout());
        assertEquals(o.handshakeTimeout(), c.handshakeTimeout());
        assertEquals(o.drainTimeout(), c.drainTimeout());
        assertEquals(o.pingInterval(), c.pingInterval());
        assertEquals(o.maxMissedPongs(), c.maxMissedPongs());
        assertEquals(o.readTimeout(), c.readTimeout());
        assertEquals(o.writeTimeout(), c.writeTimeout());
        assertEquals(o.idleThreshold(), c.idleThreshold());
        assertEquals(o.expressThreads(), c.expressThreads());
        assertEquals(o.maxSessions(), c.maxSessions());
        assertEquals(o.compression(), c.compression());
        assertEquals(o.controlFrameRate(), c.protection().controlFrameRate());
        assertEquals(o.descriptorReserve(), c.protection().descriptorReserve());
        assertEquals(o.maxConnectionsPerAddress(), c.protection().maxConnectionsPerAddress());
        assertEquals(o.maxHandshakesPerSecondPerAddress(), c.protection().maxHandshakesPerAddress());
        assertEquals(-1, c.protection().maxInboundMemory(), "auto: the library's share of the heap");
        assertEquals(o.compressionWindowBits(), c.compressionPolicy().windowBits());
        assertEquals(o.compressionMemoryLevel(), c.compressionPolicy().memoryLevel());
        assertEquals(o.compressionContextTakeover(), c.compressionPolicy().contextTakeover());
    }

    @Test
    void helpSaysNoneForSettingsWithoutADefaultAndKeepsEveryDescriptionInItsColumn() {
        String help = LauncherConfig.help();
        assertFalse(help.contains("(default )"), help);
        assertTrue(help.lines().anyMatch(l -> l.startsWith("  --tls-cert <v>") && l.endsWith("(default none)")), help);
        int column = help.lines().filter(l -> l.startsWith("  --host ")).findFirst().orElseThrow()
                .indexOf("address to listen on");
        help.lines().filter(l -> l.startsWith("  --")).forEach(l ->
                assertEquals(' ', l.charAt(column - 1), () -> "description out of its column: " + l));
    }

    private static ConfigException rejected(String... args) {
        return assertThrows(ConfigException.class, () -> parse(args), () -> "accepted " + List.of(args));
    }

    private static void assertOneLineNaming(String flag, ConfigException e) {
        assertTrue(e.getMessage().contains(flag), () -> "message does not name " + flag + ": " + e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, () -> "not one line: " + e.getMessage());
    }

    @Test
    void unknownFlagIsNamed() {
        assertOneLineNaming("--colour", rejected("--colour", "blue"));
        assertOneLineNaming("--colour", rejected("--colour=blue"));
    }

    @Test
    void argumentThatIsNoFlagIsNamed() {
        assertOneLineNaming("'8080'", rejected("8080"));
    }

    @Test
    void flagWithoutValueIsNamed() {
        assertEquals("--port needs a value", rejected("--port").getMessage());
    }

    @ParameterizedTest
    @CsvSource({"abc", "-1", "65536", "''", "99999999999999999999", "80.5"})
    void badPortIsNamed(String port) {
        assertOneLineNaming("--port", rejected("--port", port));
    }

    @ParameterizedTest
    @CsvSource({"lots", "0", "-5", "12XB", "3GiB", "99999999999999999999", "17592186044417MiB", "18014398509481985K"})
    void badSizeIsNamed(String size) {
        assertOneLineNaming("--max-message-size", rejected("--max-message-size", size));
    }

    @ParameterizedTest
    @CsvSource({"--drain-timeout, soon", "--drain-timeout, -1s", "--drain-timeout, 5h", "--close-timeout, 0",
            "--handshake-timeout, 0s", "--scan-interval, 0ms", "--quiet-period, 1.5s",
            "--drain-timeout, 99999999999999999999ms", "--close-timeout, 9999999999999999m",
            "--read-timeout, 9223372036854775807ms"})
    void badDurationIsNamed(String flag, String value) {
        assertOneLineNaming(flag, rejected(flag, value));
    }

    @ParameterizedTest
    @CsvSource({"--max-missed-pongs, 1001", "--max-missed-pongs, -1", "--max-sessions, 2147483648", "--max-sessions, many", "--compression-window-bits, 16",
            "--compression-window-bits, 7", "--compression-memory-level, 0", "--compression-context-takeover, maybe"})
    void badCountIsNamed(String flag, String value) {
        assertOneLineNaming(flag, rejected(flag, value));
    }

    @Test
    void badLogLevelIsNamed() {
        assertOneLineNaming("--log-level", rejected("--log-level", "LOUD"));
    }

    @Test
    void badValueFromSystemPropertyIsNamedByItsFlag() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> LauncherConfig.parse(List.of(), properties("switchboard.port", "http")));
        assertOneLineNaming("--port", e);
    }

    @Test
    void configFileIsReadAsUtf8() throws Exception {
        Path file = dir.resolve("utf8.properties");
        Files.writeString(file, "tls-cert = c.pem\ntls-key = k.pem\ntls-key-password = p\u00e4ss\u20ac\n",
                StandardCharsets.UTF_8);
        LauncherConfig c = parse("--config", file.toString());
        assertEquals("p\u00e4ss\u20ac", c.tlsKeyPassword());
    }

    @Test
    void keyPasswordIsTheFirstLineOfThePasswordFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), " s3cret with spaces \nsecond line\n");
        LauncherConfig c = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-key-password-file", file.toString());
        assertEquals(" s3cret with spaces ", c.tlsKeyPassword());
    }

    @Test
    void passwordFileProblemsAreNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path missing = dir.resolve("missing");
        String[] tls = {"--tls-cert", "c.pem", "--tls-key", "k.pem"};
        assertOneLineNaming(empty + ": the first line is empty",
                rejected(tls[0], tls[1], tls[2], tls[3], "--tls-key-password-file", empty.toString()));
        assertOneLineNaming("--tls-key-password-file " + missing + ": cannot read it",
                rejected(tls[0], tls[1], tls[2], tls[3], "--tls-key-password-file", missing.toString()));
        assertOneLineNaming("exclude each other",
                rejected(tls[0], tls[1], tls[2], tls[3], "--tls-key-password", "pw", "--tls-key-password-file", empty.toString()));
        assertOneLineNaming("--tls-key-password needs --tls-cert and --tls-key",
                rejected("--tls-key-password-file", Files.writeString(dir.resolve("pw"), "pw").toString()));
    }

    @Test
    void clientAuthWithoutAClientCaIsRefused() throws Exception {
        assertOneLineNaming("--tls-client-auth want needs --tls-client-ca",
                rejected("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-auth", "want"));
        assertOneLineNaming("--tls-client-auth need needs --tls-client-ca",
                rejected("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-auth", "need"));
        LauncherConfig c = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-ca", "ca.pem",
                "--tls-client-auth", "want");
        assertEquals("want", c.tlsClientAuth());
    }

    @Test
    void configFileThatIsNotUtf8IsNamed() throws Exception {
        Path file = dir.resolve("latin1.properties");
        Files.write(file, "host = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> parse("--config", file.toString()));
        assertOneLineNaming(file + ": it is not UTF-8 text", e);
    }

    @Test
    void unknownKeyInFileIsNamed() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "prot=9000\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse("--config", file.toString()));
        assertOneLineNaming("'prot'", e);
    }

    @Test
    void missingConfigFileIsNamed() {
        Path missing = dir.resolve("missing.properties");
        assertOneLineNaming(missing.toString(), rejected("--config", missing.toString()));
    }

    @Test
    void frameworkPropertiesCarryTheServerSettings() throws ConfigException {
        LauncherConfig c = parse("--host", "127.0.0.1", "--port", "9000", "--max-message-size", "1KiB",
                "--close-timeout", "2s", "--handshake-timeout", "3s", "--drain-timeout", "1500ms",
                "--ping-interval", "4s", "--max-missed-pongs", "2", "--read-timeout", "5s", "--write-timeout", "6s",
                "--max-sessions", "7", "--compression", "on", "--idle-threshold", "250ms");
        assertEquals(Map.ofEntries(Map.entry("switchboard.host", "127.0.0.1"), Map.entry("switchboard.port", "9000"),
                Map.entry("switchboard.maxMessageSize", "1024"), Map.entry("switchboard.closeTimeout", "2000"),
                Map.entry("switchboard.handshakeTimeout", "3000"), Map.entry("switchboard.drainTimeout", "1500"),
                Map.entry("switchboard.pingInterval", "4000"), Map.entry("switchboard.maxMissedPongs", "2"),
                Map.entry("switchboard.readTimeout", "5000"), Map.entry("switchboard.writeTimeout", "6000"),
                Map.entry("switchboard.idleThreshold", "250"), Map.entry("switchboard.expressThreads", "-1"),
                Map.entry("switchboard.maxSessions", "7"), Map.entry("switchboard.compression", "true"),
                Map.entry("switchboard.maxInboundMemory", "-1"), Map.entry("switchboard.controlFrameRate", "100"),
                Map.entry("switchboard.descriptorReserve", "64"), Map.entry("switchboard.maxConnectionsPerAddress", "0"),
                Map.entry("switchboard.maxHandshakesPerAddress", "0"), Map.entry("switchboard.compressionWindowBits", "12"),
                Map.entry("switchboard.compressionMemoryLevel", "4"),
                Map.entry("switchboard.compressionContextTakeover", "true")),
                c.frameworkProperties());
    }

    @Test
    void tlsSettingsGoTogetherAndReachTheFramework() throws ConfigException {
        LauncherConfig c = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-key-password", "pw",
                "--tls-client-ca", "ca.pem", "--tls-client-auth", "want", "--tls-port", "9443", "--plain", "false");
        assertTrue(c.tls());
        Map<String, String> p = c.allFrameworkProperties();
        assertEquals("c.pem", p.get("switchboard.tls.cert"));
        assertEquals("k.pem", p.get("switchboard.tls.key"));
        assertEquals("pw", p.get("switchboard.tls.keyPassword"));
        assertEquals("ca.pem", p.get("switchboard.tls.clientCa"));
        assertEquals("want", p.get("switchboard.tls.clientAuth"));
        assertEquals("9443", p.get("switchboard.tls.port"));
        assertEquals("false", p.get("switchboard.plain"));
        assertEquals(null, parse().allFrameworkProperties().get("switchboard.tls.cert"));
        assertOneLineNaming("--tls-key", rejected("--tls-cert", "c.pem"));
        assertOneLineNaming("--tls-cert", rejected("--tls-key", "k.pem"));
        assertOneLineNaming("--tls-client-ca", rejected("--tls-client-ca", "ca.pem"));
        assertOneLineNaming("--plain", rejected("--plain", "false"));
        assertOneLineNaming("--tls-client-auth", rejected("--tls-cert", "c", "--tls-key", "k", "--tls-client-auth", "maybe"));
    }

    @Test
    void compressionTakesABooleanAndRejectsAnythingElse() throws ConfigException {
        assertEquals(false, parse().compression());
        assertEquals(true, parse("--compression=true").compression());
        assertOneLineNaming("--compression", rejected("--compression", "maybe"));
    }
}
