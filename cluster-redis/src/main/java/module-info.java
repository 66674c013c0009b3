/**
 * The Redis cluster bridge: a {@link io.switchboard.api.spi.TopicRelay} that carries topic
 * messages between every instance connected to one Redis, through Redis pub/sub (Jedis).
 * Inside a framework its activator adds the relay when {@code switchboard.cluster.redis} is set;
 * on the module path, {@link io.switchboard.cluster.redis.RedisTopicRelay#start} does.
 */
module io.switchboard.cluster.redis {
    requires transitive io.switchboard.api;
    requires redis.clients.jedis;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.switchboard.cluster.redis;
}
