package io.switchboard.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;

/**
 * The launcher's configuration. Each setting has a flag ({@code --port 8080} or
 * {@code --port=8080}), a system property ({@code -Dswitchboard.port=8080}) and a key in an
 * optional properties file ({@code --config file}, key {@code port}). Later sources win:
 * defaults, then the file, then system properties, then flags.
 *
 * @param host the address to listen on
 * @param port the TCP port; 0 picks a free one
 * @param deploy the deploy folder, created if missing
 * @param cache the framework's storage folder (cleaned at every start)
 * @param logLevel the level of the launcher's and bundles' log lines
 * @param maxMessageSize the largest message accepted, in bytes
 * @param closeTimeout how long to wait for the peer's close frame
 * @param handshakeTimeout how long an upgrade request may take to arrive
 * @param drainTimeout how long sessions of a replaced or removed handler go on before closing
 * @param pingInterval how often sessions are pinged (zero: never)
 * @param maxMissedPongs unanswered pings before a session closes with 1001 (zero: never)
 * @param readTimeout silence after which a session closes with 1001 (zero: never)
 * @param writeTimeout how long a blocked write may last (zero: forever)
 * @param maxSessions the most open sessions; beyond it 503 (zero: unlimited)
 * @param compression whether permessage-deflate is accepted
 * @param tlsCert the PEM certificate chain for wss, or null
 * @param tlsKey the PEM private key for wss, or null
 * @param tlsKeyPassword the key's password, or null
 * @param tlsClientCa PEM CA certificates that client certificates must chain to, or null
 * @param tlsClientAuth {@code need} or {@code want}, with a client CA
 * @param tlsPort the wss port
 * @param plain whether plain ws is served too
 * @param scanInterval how often the deploy folder is scanned
 * @param quietPeriod how long a jar must stay unchanged before it is deployed
 * @param protection the server-wide and per-address limits against hostile peers
 * @param compressionPolicy the permessage-deflate window, memory level and context takeover
 * @param clusterRedis the Redis URI whose pub/sub carries topics between instances, or null
 * @param operations health, metrics, status page, admin access and logging settings
 * @param idleThreshold silence after which a callback (MessageHandler) session gives up its thread (zero: never)
 * @param expressThreads platform threads for callback sessions in a back-to-back exchange; -1: one per CPU
 */
record LauncherConfig(String host, int port, Path deploy, Path cache, Level logLevel, long maxMessageSize,
        Duration closeTimeout, Duration handshakeTimeout, Duration drainTimeout, Duration pingInterval,
        int maxMissedPongs, Duration readTimeout, Duration writeTimeout, int maxSessions, boolean compression,
        String tlsCert, String tlsKey, String tlsKeyPassword, String tlsClientCa, String tlsClientAuth, int tlsPort,
        boolean plain, Duration scanInterval,
        Duration quietPeriod, Protection protection, String clusterRedis,
        Operations operations, Compression compressionPolicy, Duration idleThreshold, int expressThreads) {

    /**
     * The permessage-deflate policy of each compressed session (the README's "Compression").
     *
     * @param windowBits the largest LZ77 window per direction and session, 8-15
     * @param memoryLevel zlib's memLevel of a session's compressor, 1-9
     * @param contextTakeover whether the compression context is kept between messages where the peer agrees
     */
    record Compression(int windowBits, int memoryLevel, boolean contextTakeover) {

        /** The defaults, as {@code WebSocketOptions} has them. */
        static final Compression DEFAULTS = new Compression(12, 4, true);
    }

    /**
     * What operators see (the README's "Operations").
     *
     * @param healthPath {@code /health}, empty when health checks are off (also {@code readyPath})
     * @param readyPath {@code /ready}: 200 serving, 503 stopping
     * @param metricsPath Prometheus text, empty when off
     * @param statusPath the live status page, empty when off
     * @param adminAllow addresses and CIDR blocks besides loopback that may see admin data
     * @param adminToken a token that lets any client see admin data, or empty
     * @param accessLog whether one line per session is logged at its end
     * @param jsonLog whether log lines are JSON objects
     * @param stopDelay how long /ready answers 503 before a SIGTERM stop closes the listeners
     */
    record Operations(String healthPath, String readyPath, String metricsPath, String statusPath, String adminAllow,
            String adminToken, boolean accessLog, boolean jsonLog, Duration stopDelay) {

        /** The defaults. */
        static final Operations DEFAULTS = new Operations("/health", "/ready", "/metrics", "/", "", "", true, false,
                Duration.ofSeconds(1));
    }

    /**
     * The limits that protect the server from hostile peers (see the README's "Limits and
     * protection").
     *
     * @param maxInboundMemory bytes all sessions' message assembly may hold beyond 64 KiB each,
     *     then 1013; -1: the library default (a quarter of the max heap); 0: unlimited
     * @param controlFrameRate pings and pongs per second per session, then 1008; 0: unlimited
     * @param descriptorReserve descriptors kept free, then upgrades get 503; 0: none
     * @param maxConnectionsPerAddress connections per IP address, then 429; 0: unlimited
     * @param maxHandshakesPerAddress handshakes per second per IP address, then 429; 0: unlimited
     */
    record Protection(long maxInboundMemory, int controlFrameRate, int descriptorReserve,
            int maxConnectionsPerAddress, int maxHandshakesPerAddress) {

        /** The defaults, as {@code WebSocketOptions} has them. */
        static final Protection DEFAULTS = new Protection(-1, 100, 64, 0, 0);
    }

    /** A bad flag or value; the launcher prints the message and exits with 2. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    /** The text printed by {@code --help}. */
    static String help() {
        return LauncherSettings.help();
    }

    /**
     * Reads the configuration.
     *
     * @return null if {@code --help} was asked for
     * @throws ConfigException naming the flag or value at fault
     */
    static LauncherConfig parse(List<String> args, Properties system) throws ConfigException {
        SettingValues values = LauncherSettings.read(args, system);
        if (values == null) {
            return null;
        }
        return new LauncherConfig(
                values.text("host"),
                (int) values.number("port", 0, 65535),
                Path.of(values.text("deploy")),
                Path.of(values.text("cache")),
                values.logLevel(),
                values.size("max-message-size", 1, Integer.MAX_VALUE - 8),
                values.duration("close-timeout", false),
                values.duration("handshake-timeout", false),
                values.duration("drain-timeout", true),
                values.duration("ping-interval", true),
                (int) values.number("max-missed-pongs", 0, 1000),
                values.duration("read-timeout", true),
                values.duration("write-timeout", true),
                (int) values.number("max-sessions", 0, Integer.MAX_VALUE),
                values.bool("compression"),
                values.optional("tls-cert"),
                values.optional("tls-key"),
                values.tlsKeyPassword(),
                values.optional("tls-client-ca"),
                values.tlsClientAuth(),
                (int) values.number("tls-port", 0, 65535),
                values.bool("plain"),
                values.duration("scan-interval", false),
                values.duration("quiet-period", true),
                new Protection(
                        "auto".equalsIgnoreCase(values.text("max-inbound-memory").strip()) ? -1
                                : values.size("max-inbound-memory", 0, Long.MAX_VALUE),
                        (int) values.number("control-frame-rate", 0, 1_000_000),
                        (int) values.number("descriptor-reserve", 0, 1_000_000),
                        (int) values.number("max-connections-per-address", 0, Integer.MAX_VALUE),
                        (int) values.number("max-handshakes-per-address", 0, 1_000_000)),
                values.clusterRedis(),
                operations(values),
                new Compression((int) values.number("compression-window-bits", 8, 15),
                        (int) values.number("compression-memory-level", 1, 9),
                        values.bool("compression-context-takeover")),
                values.duration("idle-threshold", true),
                "auto".equalsIgnoreCase(values.text("express-threads").strip()) ? -1
                        : (int) values.number("express-threads", 0, 1024)).validated();
    }

    private static Operations operations(SettingValues values) throws ConfigException {
        boolean health = values.bool("health");
        String format = values.text("log-format").strip().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException("invalid value for --log-format: '" + values.text("log-format") + "' (expected text or json)");
        }
        String allow = values.text("admin-allow").strip();
        for (String entry : allow.split(",")) {
            String e = entry.strip();
            if (!e.isEmpty() && !e.matches("[0-9.]+(/\\d{1,2})?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(/\\d{1,3})?")) {
                throw new ConfigException("invalid value for --admin-allow: '" + e + "' is not an IP address or CIDR block");
            }
        }
        return new Operations(health ? values.path("health-path") : "", health ? values.path("ready-path") : "",
                values.bool("metrics") ? values.path("metrics-path") : "",
                values.bool("status-page") ? values.path("status-path") : "", allow, values.text("admin-token").strip(),
                values.bool("access-log"), format.equals("json"), values.duration("stop-delay", true));
    }

    /** Cross-checks settings that only make sense together. */
    private LauncherConfig validated() throws ConfigException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ConfigException("--tls-cert and --tls-key go together; only "
                    + (tlsCert != null ? "--tls-cert" : "--tls-key") + " is given");
        }
        if (tlsCert == null && (tlsKeyPassword != null || tlsClientCa != null)) {
            throw new ConfigException((tlsKeyPassword != null ? "--tls-key-password" : "--tls-client-ca")
                    + " needs --tls-cert and --tls-key");
        }
        if (!plain && tlsCert == null) {
            throw new ConfigException("--plain false leaves nothing to serve without --tls-cert and --tls-key");
        }
        return this;
    }

    /** Whether wss is served. */
    boolean tls() {
        return tlsCert != null;
    }

    /** The framework properties that configure the core bundles. */
    Map<String, String> frameworkProperties() {
        return Map.ofEntries(
                Map.entry("switchboard.host", host),
                Map.entry("switchboard.port", Integer.toString(port)),
                Map.entry("switchboard.maxMessageSize", Long.toString(maxMessageSize)),
                Map.entry("switchboard.closeTimeout", Long.toString(closeTimeout.toMillis())),
                Map.entry("switchboard.handshakeTimeout", Long.toString(handshakeTimeout.toMillis())),
                Map.entry("switchboard.drainTimeout", Long.toString(drainTimeout.toMillis())),
                Map.entry("switchboard.pingInterval", Long.toString(pingInterval.toMillis())),
                Map.entry("switchboard.maxMissedPongs", Integer.toString(maxMissedPongs)),
                Map.entry("switchboard.readTimeout", Long.toString(readTimeout.toMillis())),
                Map.entry("switchboard.writeTimeout", Long.toString(writeTimeout.toMillis())),
                Map.entry("switchboard.idleThreshold", Long.toString(idleThreshold.toMillis())),
                Map.entry("switchboard.expressThreads", Integer.toString(expressThreads)),
                Map.entry("switchboard.maxSessions", Integer.toString(maxSessions)),
                Map.entry("switchboard.compression", Boolean.toString(compression)),
                Map.entry("switchboard.maxInboundMemory", Long.toString(protection.maxInboundMemory())),
                Map.entry("switchboard.controlFrameRate", Integer.toString(protection.controlFrameRate())),
                Map.entry("switchboard.descriptorReserve", Integer.toString(protection.descriptorReserve())),
                Map.entry("switchboard.maxConnectionsPerAddress", Integer.toString(protection.maxConnectionsPerAddress())),
                Map.entry("switchboard.maxHandshakesPerAddress", Integer.toString(protection.maxHandshakesPerAddress())),
                Map.entry("switchboard.compressionWindowBits", Integer.toString(compressionPolicy.windowBits())),
                Map.entry("switchboard.compressionMemoryLevel", Integer.toString(compressionPolicy.memoryLevel())),
                Map.entry("switchboard.compressionContextTakeover", Boolean.toString(compressionPolicy.contextTakeover())));
    }

    /** The framework properties, with the TLS ones when wss is served. */
    Map<String, String> allFrameworkProperties() {
        Map<String, String> all = new java.util.HashMap<>(frameworkProperties());
        all.put("switchboard.plain", Boolean.toString(plain));
        if (clusterRedis != null) {
            all.put("switchboard.cluster.redis", clusterRedis);
        }
        all.put("switchboard.admin.health", operations.healthPath());
        all.put("switchboard.admin.ready", operations.readyPath());
        all.put("switchboard.admin.metrics", operations.metricsPath());
        all.put("switchboard.admin.status", operations.statusPath());
        all.put("switchboard.admin.allow", operations.adminAllow());
        all.put("switchboard.admin.token", operations.adminToken());
        if (tls()) {
            all.put("switchboard.tls.cert", tlsCert);
            all.put("switchboard.tls.key", tlsKey);
            all.put("switchboard.tls.port", Integer.toString(tlsPort));
            if (tlsKeyPassword != null) {
                all.put("switchboard.tls.keyPassword", tlsKeyPassword);
            }
            if (tlsClientCa != null) {
                all.put("switchboard.tls.clientCa", tlsClientCa);
                all.put("switchboard.tls.clientAuth", tlsClientAuth);
            }
        }
        return all;
    }
}