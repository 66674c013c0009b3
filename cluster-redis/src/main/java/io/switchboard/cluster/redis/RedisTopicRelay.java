package io.switchboard.cluster.redis;

import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.api.spi.TopicRelay;
import io.switchboard.cluster.redis.internal.LinkState;
import io.switchboard.cluster.redis.internal.RedisEndpoint;
import io.switchboard.cluster.redis.internal.RedisLink;
import io.switchboard.cluster.redis.internal.RelayCodec;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Makes {@link Topics} span every instance connected to one Redis: what is published on one
 * instance goes through Redis pub/sub to all the others, which deliver it to their own
 * subscribers.
 *
 * <pre>{@code
 * WebSocketServer server = new WebSocketServer();
 * RedisTopicRelay relay = RedisTopicRelay.start("redis://127.0.0.1:6379", server.topics());
 * // ... server.topics().publish("lobby", "hello") now reaches the lobby on every instance
 * relay.close();
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * At most once across instances: while Redis is unreachable, messages for other instances are
 * dropped (counted in {@link #dropped()}), local subscribers are served as before, the loss is
 * logged once (the instance says it is DEGRADED), and both connections are made again with
 * exponential backoff and jitter (0.1 s to 5 s). Order: messages published by one thread reach
 * every other instance in publishing order (one queue, one publishing connection, one
 * subscription per instance); messages of different publishers may interleave differently
 * on different instances.
 *
 * <p>Each topic is the Redis channel {@code switchboard:topic:<name>}; every instance holds one
 * {@code PSUBSCRIBE switchboard:topic:*}, so all instances receive every topic's messages
 * (and drop those without local subscribers). Thread-safe.
 */
public final class RedisTopicRelay implements TopicRelay, AutoCloseable {

    /** The channel prefix all instances of a deployment share. */
    public static final String CHANNEL_PREFIX = "switchboard:topic:";

    private final Topics topics;
    private final LinkState state;
    private final RedisLink link;
    private final String endpoint;

    private RedisTopicRelay(RedisEndpoint endpoint, Topics topics, Consumer<Boolean> onChange) {
        this.topics = topics;
        this.endpoint = endpoint.toString();
        UUID id = UUID.randomUUID();
        byte[] instanceId = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
        this.state = new LinkState(this.endpoint, onChange);
        this.link = new RedisLink(endpoint, new RelayCodec(CHANNEL_PREFIX, instanceId), topics, state);
    }

    /**
     * Connects to Redis at {@code redisUri} ({@code redis://[[user]:password@]host[:port][/db]})
     * in the background and adds the relay to {@code topics}. Returns at once: an unreachable
     * Redis is logged, and tried again with backoff.
     *
     * @throws IllegalArgumentException if {@code redisUri} is not a redis:// URI
     */
    public static RedisTopicRelay start(String redisUri, Topics topics) {
        return start(redisUri, topics, connected -> { });
    }

    /**
     * As {@link #start(String, Topics)}, telling {@code onChange} true each time the link to Redis
     * comes up and false each time it goes down (on a relay thread; it must not block).
     */
    public static RedisTopicRelay start(String redisUri, Topics topics, Consumer<Boolean> onChange) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(onChange, "onChange");
        RedisTopicRelay relay = new RedisTopicRelay(RedisEndpoint.parse(redisUri), topics, onChange);
        relay.link.start();
        topics.addRelay(relay);
        return relay;
    }

    /** Queues {@code message} for the other instances; never blocks (drops when the queue is full). */
    @Override
    public void forward(String topic, Message message) {
        link.forward(topic, message);
    }

    /** Whether the subscription to Redis is up: false means degraded (local delivery only). */
    public boolean isConnected() {
        return state.connected();
    }

    /** Messages handed to Redis for the other instances so far. */
    public long forwarded() {
        return link.forwarded();
    }

    /** Messages for the other instances dropped so far (Redis unreachable, or the queue full). */
    public long dropped() {
        return link.dropped();
    }

    /** Messages from other instances delivered here so far. */
    public long received() {
        return link.received();
    }

    /** Removes the relay from its topics and closes both connections to Redis. */
    @Override
    public void close() {
        topics.removeRelay(this);
        link.close();
    }

    @Override
    public String toString() {
        return "RedisTopicRelay[" + endpoint + (isConnected() ? ", connected]" : ", degraded]");
    }
}
