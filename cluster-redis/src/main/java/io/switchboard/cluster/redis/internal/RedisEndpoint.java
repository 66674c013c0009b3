package io.switchboard.cluster.redis.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Where Redis is, from a {@code redis://[[user]:password@]host[:port][/db]} URI (port 6379 and
 * database 0 by default). {@link #toString()} never shows the password.
 */
public record RedisEndpoint(String host, int port, String user, String password, int database) {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Bounds every command's answer on the publishing connection; subscriptions wait without it. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    /** @throws IllegalArgumentException naming what is wrong with {@code uri} */
    public static RedisEndpoint parse(String uri) {
        URI u;
        try {
            u = URI.create(uri.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a redis:// URI: " + uri);
        }
        if (!"redis".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host[:port][/db], got " + uri);
        }
        String user = null;
        String password = null;
        if (u.getRawUserInfo() != null) {
            String info = u.getRawUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? null : decode(info.substring(0, colon));
            password = decode(colon < 0 ? info : info.substring(colon + 1));
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        int database = 0;
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the database in " + uri + " is not a number");
            }
        }
        return new RedisEndpoint(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), user, password, database);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A new, unconnected client; {@code subscribing} clients have no read timeout. */
    public Jedis client(boolean subscribing) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) CONNECT_TIMEOUT.toMillis())
                .socketTimeoutMillis(subscribing ? 0 : (int) SOCKET_TIMEOUT.toMillis())
                .database(database)
                .clientName("switchboard");
        if (password != null) {
            config.user(user).password(password);
        }
        return new Jedis(new HostAndPort(host, port), config.build());
    }

    @Override
    public String toString() {
        return "redis://" + (password != null ? (user != null ? user : "") + ":***@" : "") + host + ":" + port
                + (database != 0 ? "/" + database : "");
    }
}
