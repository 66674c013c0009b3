package io.switchboard.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** The settings, their defaults and descriptions, in --help order. */
    private static final Map<String, String[]> SETTINGS = new LinkedHashMap<>();

    static {
        setting("host", "0.0.0.0", "address to listen on");
        setting("port", "8080", "TCP port (0 = any free port)");
        setting("deploy", "handlers", "deploy folder for handler bundles (created if missing)");
        setting("cache", "felix-cache", "framework cache folder (cleaned at every start)");
        setting("log-level", "INFO", "ERROR, WARNING, INFO, DEBUG or TRACE");
        setting("max-message-size", "16MiB", "largest message accepted (bytes, KiB, MiB); larger ones close with 1009");
        setting("close-timeout", "5s", "wait for the peer's close frame (ms, s)");
        setting("handshake-timeout", "10s", "time for an upgrade request to arrive (ms, s)");
        setting("drain-timeout", "30s", "sessions of a replaced/removed handler end by then, with 1012/1001 (ms, s)");
        setting("ping-interval", "30s", "heartbeat ping interval, 0 = off (ms, s)");
        setting("max-missed-pongs", "0", "unanswered pings before closing with 1001 'pong timeout', 0 = off");
        setting("read-timeout", "300s", "silence before closing with 1001 'read timeout', 0 = off (ms, s)");
        setting("write-timeout", "30s", "a write blocked this long drops the connection, 0 = off (ms, s)");
        setting("idle-threshold", "1s", "a callback handler's session silent this long waits without a thread, 0 = never (ms, s)");
        setting("express-threads", "auto", "platform threads for callback sessions in a back-to-back exchange of small "
                + "messages (one wake-up per message instead of two); auto = one per CPU, 0 = none");
        setting("max-sessions", "0", "most open sessions, beyond it 503; 0 = unlimited (the descriptor limit still bounds them)");
        setting("max-inbound-memory", "auto", "bytes all sessions' unfinished messages may hold beyond 64KiB each, then 1013 "
                + "(KiB, MiB, GiB); auto = a quarter of the max heap, 0 = unlimited");
        setting("control-frame-rate", "100", "pings+pongs per second a peer may send (bursts of twice as many), then 1008; 0 = off");
        setting("descriptor-reserve", "64", "file descriptors kept free: fewer left and upgrades get 503; 0 = off");
        setting("max-connections-per-address", "0", "connections per client IP address, beyond it 429; 0 = unlimited");
        setting("max-handshakes-per-address", "0", "new handshakes per second per client IP address, beyond it 429; 0 = unlimited");
        setting("compression", "false", "accept permessage-deflate offers (true or false)");
        setting("compression-window-bits", "12", "largest compression window per direction and session, 8-15 (12 = 4 KiB)");
        setting("compression-memory-level", "4", "zlib memLevel of a session's compressor, 1-9");
        setting("compression-context-takeover", "true", "keep the compression context between messages where the peer agrees");
        setting("tls-cert", "", "PEM certificate chain: serve wss:// (with --tls-key)");
        setting("tls-key", "", "PEM private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1 EC)");
        setting("tls-key-password", "", "password of an encrypted key (visible to ps: prefer the -file form)");
        setting("tls-key-password-file", "", "file whose first line is the password of an encrypted key");
        setting("tls-client-ca", "", "PEM CA certificates: verify client certificates (mutual TLS)");
        setting("tls-client-auth", "need", "need or want a client certificate, with --tls-client-ca");
        setting("tls-port", "8443", "wss port (0 = any free port)");
        setting("plain", "true", "serve plain ws:// too (false: wss only)");
        setting("health", "true", "serve the health and readiness checks (true or false)");
        setting("health-path", "/health", "path answering 200 while the process serves");
        setting("ready-path", "/ready", "path answering 200 while serving, 503 while stopping");
        setting("metrics", "true", "serve Prometheus metrics (true or false)");
        setting("metrics-path", "/metrics", "path of the Prometheus metrics");
        setting("status-page", "true", "serve the live status page (true or false)");
        setting("status-path", "/", "path of the live status page");
        setting("admin-allow", "", "addresses/CIDR blocks (comma-separated) besides loopback that may see metrics and status");
        setting("admin-token", "", "token that lets any client see metrics and status (Authorization: Bearer, or ?token=)");
        setting("access-log", "true", "log one line per session at its end (true or false)");
        setting("log-format", "text", "text or json (one JSON object per line)");
        setting("stop-delay", "1s", "on SIGTERM (not Ctrl-C), answer /ready with 503 this long before closing (ms, s)");
        setting("scan-interval", "250ms", "how often the deploy folder is scanned (ms, s)");
        setting("quiet-period", "500ms", "a jar must stay unchanged this long before it is deployed (ms, s)");
        setting("cluster-redis", "", "redis://host:port: topics span every instance connected to this Redis");
    }

    private static void setting(String name, String fallback, String description) {
        SETTINGS.put(name, new String[] {fallback, description});
    }

    /** The text printed by {@code --help}. */
    static String help() {
        StringBuilder sb = new StringBuilder("""
                Usage: java -jar launcher.jar [options]

                Runs the Switchboard WebSocket server with the echo handler on /ws and deploys
                handler bundles dropped into the deploy folder.

                Durations take ms, s or m (500ms, 30s); a bare number is milliseconds.
                Options (also -Dswitchboard.<name>=value, or <name>=value in a --config file):
                """);
        int width = SETTINGS.keySet().stream().mapToInt(name -> name.length() + " <v>".length()).max().orElse(0);
        String column = "  --%-" + width + "s %s";
        SETTINGS.forEach((name, v) -> sb.append(String.format(column + " (default %s)%n", name + " <v>", v[1],
                v[0].isEmpty() ? "none" : v[0])));
        sb.append(String.format(column + "%n", "config <file>", "read settings from a properties file"));
        sb.append(String.format(column + "%n", "help", "print this text"));
        return sb.toString();
    }

    /**
     * Reads the configuration.
     *
     * @return null if {@code --help} was asked for
     * @throws ConfigException naming the flag or value at fault
     */
    static LauncherConfig parse(List<String> args, Properties system) throws ConfigException {
        Map<String, String> flags = new LinkedHashMap<>();
        String configFile = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "' (see --help)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("--" + name + " needs a value");
            }
            if (name.equals("config")) {
                configFile = value;
            } else if (!SETTINGS.containsKey(name)) {
                throw new ConfigException("unknown option --" + name + " (see --help)");
            } else {
                flags.put(name, value);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        SETTINGS.forEach((name, v) -> values.put(name, v[0]));
        Set<String> given = new HashSet<>(flags.keySet()); // settings not left at their defaults
        if (configFile == null) {
            configFile = system.getProperty("switchboard.config");
        }
        if (configFile != null) {
            Properties file = new Properties();
            // UTF-8, not Properties' ISO-8859-1 default: paths and passwords may be non-ASCII.
            try (Reader in = Files.newBufferedReader(Path.of(configFile), StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (CharacterCodingException e) {
                throw new ConfigException("cannot read config file " + configFile + ": it is not UTF-8 text");
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + configFile + ": " + e.getMessage());
            }
            for (String key : file.stringPropertyNames()) {
                if (!SETTINGS.containsKey(key)) {
                    throw new ConfigException("unknown setting '" + key + "' in " + configFile);
                }
                values.put(key, file.getProperty(key).strip());
                given.add(key);
            }
        }
        for (String name : SETTINGS.keySet()) {
            String value = system.getProperty("switchboard." + name);
            if (value != null) {
                values.put(name, value.strip());
                given.add(name);
            }
        }
        values.putAll(flags);
        if (given.contains("tls-client-auth") && blankToNull(values.get("tls-client-ca")) == null) {
            throw new ConfigException("--tls-client-auth " + values.get("tls-client-auth")
                    + " needs --tls-client-ca (the CA that client certificates are checked against)");
        }
        return new LauncherConfig(
                values.get("host"),
                (int) number(values, "port", 0, 65535),
                Path.of(values.get("deploy")),
                Path.of(values.get("cache")),
                level(values.get("log-level")),
                size(values, "max-message-size", 1, Integer.MAX_VALUE - 8),
                duration(values, "close-timeout", false),
                duration(values, "handshake-timeout", false),
                duration(values, "drain-timeout", true),
                duration(values, "ping-interval", true),
                (int) number(values, "max-missed-pongs", 0, 1000),
                duration(values, "read-timeout", true),
                duration(values, "write-timeout", true),
                (int) number(values, "max-sessions", 0, Integer.MAX_VALUE),
                bool(values, "compression"),
                blankToNull(values.get("tls-cert")),
                blankToNull(values.get("tls-key")),
                keyPassword(values),
                blankToNull(values.get("tls-client-ca")),
                clientAuth(values.get("tls-client-auth")),
                (int) number(values, "tls-port", 0, 65535),
                bool(values, "plain"),
                duration(values, "scan-interval", false),
                duration(values, "quiet-period", true),
                new Protection(
                        "auto".equalsIgnoreCase(values.get("max-inbound-memory").strip()) ? -1
                                : size(values, "max-inbound-memory", 0, Long.MAX_VALUE),
                        (int) number(values, "control-frame-rate", 0, 1_000_000),
                        (int) number(values, "descriptor-reserve", 0, 1_000_000),
                        (int) number(values, "max-connections-per-address", 0, Integer.MAX_VALUE),
                        (int) number(values, "max-handshakes-per-address", 0, 1_000_000)),
                redisUri(values.get("cluster-redis")),
                operations(values),
                new Compression((int) number(values, "compression-window-bits", 8, 15),
                        (int) number(values, "compression-memory-level", 1, 9),
                        bool(values, "compression-context-takeover")),
                duration(values, "idle-threshold", true),
                "auto".equalsIgnoreCase(values.get("express-threads").strip()) ? -1
                        : (int) number(values, "express-threads", 0, 1024)).validated();
    }

    /** A redis://host[:port][/db] URI (credentials allowed), or null when blank. */
    private static String redisUri(String v) throws ConfigException {
        String uri = blankToNull(v);
        if (uri == null) {
            return null;
        }
        try {
            java.net.URI u = new java.net.URI(uri);
            if ("redis".equalsIgnoreCase(u.getScheme()) && u.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new ConfigException("invalid value for --cluster-redis: '" + uri + "' (expected redis://host:port)");
    }

    private static Operations operations(Map<String, String> values) throws ConfigException {
        boolean health = bool(values, "health");
        String format = values.get("log-format").strip().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException("invalid value for --log-format: '" + values.get("log-format") + "' (expected text or json)");
        }
        String allow = values.get("admin-allow").strip();
        for (String entry : allow.split(",")) {
            String e = entry.strip();
            if (!e.isEmpty() && !e.matches("[0-9.]+(/\\d{1,2})?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(/\\d{1,3})?")) {
                throw new ConfigException("invalid value for --admin-allow: '" + e + "' is not an IP address or CIDR block");
            }
        }
        return new Operations(health ? path(values, "health-path") : "", health ? path(values, "ready-path") : "",
                bool(values, "metrics") ? path(values, "metrics-path") : "",
                bool(values, "status-page") ? path(values, "status-path") : "", allow, values.get("admin-token").strip(),
                bool(values, "access-log"), format.equals("json"), duration(values, "stop-delay", true));
    }

    private static String path(Map<String, String> values, String name) throws ConfigException {
        String v = values.get(name).strip();
        if (!v.startsWith("/") || v.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c >= 0x7F)) {
            throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected a path starting with /)");
        }
        return v;
    }

    private static long number(Map<String, String> values, String name, long min, long max) throws ConfigException {
        String v = values.get(name);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected " + min + "-" + max + ")");
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|KB|K|MiB|MB|M|GiB|GB|G)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?", Pattern.CASE_INSENSITIVE);

    private static long size(Map<String, String> values, String name, long min, long max) throws ConfigException {
        String v = values.get(name);
        Matcher m = SIZE.matcher(v);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                long bytes = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "K", "KB", "KIB" -> Math.multiplyExact(n, 1024L);
                    case "M", "MB", "MIB" -> Math.multiplyExact(n, 1024L * 1024);
                    case "G", "GB", "GIB" -> Math.multiplyExact(n, 1024L * 1024 * 1024);
                    default -> n;
                };
                if (bytes >= min && bytes <= max) {
                    return bytes;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // more digits than a long holds: reported below
            }
        }
        throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected a size like 65536, 64KiB or 16MiB"
                + (max <= Integer.MAX_VALUE ? ", at most 2 GiB)" : ")"));
    }

    private static Duration duration(Map<String, String> values, String name, boolean zeroAllowed) throws ConfigException {
        String v = values.get(name);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
                Duration d = switch (unit) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofMillis(n);
                };
                d.toNanos(); // the timers count nanoseconds: larger durations are refused here
                if (zeroAllowed || !d.isZero()) {
                    return d;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // too large: reported below
            }
        }
        throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected a duration like 500ms or 30s"
                + (zeroAllowed ? "" : ", above zero") + ")");
    }

    /** The key password from --tls-key-password or the first line of --tls-key-password-file. */
    private static String keyPassword(Map<String, String> values) throws ConfigException {
        String password = blankToNull(values.get("tls-key-password"));
        String file = blankToNull(values.get("tls-key-password-file"));
        if (file == null) {
            return password;
        }
        if (password != null) {
            throw new ConfigException("--tls-key-password and --tls-key-password-file exclude each other");
        }
        try (BufferedReader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new ConfigException("--tls-key-password-file " + file + ": the first line is empty");
            }
            return line;
        } catch (CharacterCodingException e) {
            throw new ConfigException("--tls-key-password-file " + file + ": not UTF-8 text");
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException("--tls-key-password-file " + file + ": cannot read it: " + e.getMessage());
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String clientAuth(String v) throws ConfigException {
        String mode = v.toLowerCase(Locale.ROOT);
        if (!mode.equals("need") && !mode.equals("want")) {
            throw new ConfigException("invalid value for --tls-client-auth: '" + v + "' (expected need or want)");
        }
        return mode;
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

    private static boolean bool(Map<String, String> values, String name) throws ConfigException {
        String v = values.get(name);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected true or false)");
        };
    }

    private static Level level(String v) throws ConfigException {
        return switch (v.toUpperCase(Locale.ROOT)) {
            case "ERROR", "SEVERE" -> Level.SEVERE;
            case "WARNING", "WARN" -> Level.WARNING;
            case "INFO" -> Level.INFO;
            case "DEBUG", "FINE" -> Level.FINE;
            case "TRACE", "FINEST", "ALL" -> Level.FINEST;
            default -> throw new ConfigException("invalid value for --log-level: '" + v
                    + "' (expected ERROR, WARNING, INFO, DEBUG or TRACE)");
        };
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
