package io.switchboard.launcher;

import io.switchboard.launcher.LauncherConfig.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text value of every launcher setting, as {@link LauncherSettings#read} merged them, read
 * as numbers, sizes, durations, booleans, paths and the like. A value that does not parse or is
 * out of range throws a {@link ConfigException} of one line naming the flag, the value and what
 * was expected. Immutable after construction; used by one thread while the launcher starts.
 */
final class SettingValues {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|KB|K|MiB|MB|M|GiB|GB|G)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?", Pattern.CASE_INSENSITIVE);

    /** Every setting by name, defaults included. */
    private final Map<String, String> values;

    SettingValues(Map<String, String> values) {
        this.values = values;
    }

    /** The value as given. */
    String text(String name) {
        return values.get(name);
    }

    /** The value stripped, or null when blank (a setting without a default left unset). */
    String optional(String name) {
        return blankToNull(values.get(name));
    }

    static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    long number(String name, long min, long max) throws ConfigException {
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

    /** Bytes, with an optional binary unit: 65536, 64KiB, 16MiB, 1GiB (KB, K and the like mean the same). */
    long size(String name, long min, long max) throws ConfigException {
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

    /** A duration in ms (also bare), s or m, that the timers can count in nanoseconds. */
    Duration duration(String name, boolean zeroAllowed) throws ConfigException {
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

    boolean bool(String name) throws ConfigException {
        String v = values.get(name);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected true or false)");
        };
    }

    /** An HTTP path: starts with {@code /}, no spaces, controls, query or fragment. */
    String path(String name) throws ConfigException {
        String v = values.get(name).strip();
        if (!v.startsWith("/") || v.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c >= 0x7F)) {
            throw new ConfigException("invalid value for --" + name + ": '" + v + "' (expected a path starting with /)");
        }
        return v;
    }

    /** {@code --log-level} as a java.util.logging level. */
    Level logLevel() throws ConfigException {
        String v = values.get("log-level");
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

    /** {@code --tls-client-auth}: need or want. */
    String tlsClientAuth() throws ConfigException {
        String v = values.get("tls-client-auth");
        String mode = v.toLowerCase(Locale.ROOT);
        if (!mode.equals("need") && !mode.equals("want")) {
            throw new ConfigException("invalid value for --tls-client-auth: '" + v + "' (expected need or want)");
        }
        return mode;
    }

    /** The key password from --tls-key-password or the first line of --tls-key-password-file. */
    String tlsKeyPassword() throws ConfigException {
        String password = optional("tls-key-password");
        String file = optional("tls-key-password-file");
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

    /** {@code --cluster-redis}: a redis://host[:port][/db] URI (credentials allowed), or null when blank. */
    String clusterRedis() throws ConfigException {
        String uri = optional("cluster-redis");
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
}
