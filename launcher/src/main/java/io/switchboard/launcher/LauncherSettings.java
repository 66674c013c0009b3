package io.switchboard.launcher;

import io.switchboard.launcher.LauncherConfig.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The launcher's settings by name, with their defaults and descriptions (the text of {@code
 * --help}), and the reading of their values from the four sources {@link LauncherConfig}
 * describes: defaults, then the {@code --config} file, then {@code switchboard.*} system
 * properties, then flags. What the values mean is {@link SettingValues}'s and {@link
 * LauncherConfig}'s business. Stateless after class initialization; thread-safe.
 */
final class LauncherSettings {

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

    private LauncherSettings() {
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
     * The value of every setting, from its default and the sources that set it, later ones
     * winning. Names and syntax are checked here; the values themselves when they are read.
     *
     * @return null if {@code --help} was asked for
     * @throws ConfigException naming the flag, file or setting at fault
     */
    static SettingValues read(List<String> args, Properties system) throws ConfigException {
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
        if (given.contains("tls-client-auth") && SettingValues.blankToNull(values.get("tls-client-ca")) == null) {
            throw new ConfigException("--tls-client-auth " + values.get("tls-client-auth")
                    + " needs --tls-client-ca (the CA that client certificates are checked against)");
        }
        return new SettingValues(values);
    }
}
