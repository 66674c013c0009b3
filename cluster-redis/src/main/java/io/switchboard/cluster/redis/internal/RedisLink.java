package io.switchboard.cluster.redis.internal;

import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The two connections of one instance to Redis, each with its own thread (two per process,
 * never one per session): the listener holds a {@code PSUBSCRIBE} on every topic channel and
 * hands what other instances publish to {@link Topics#publishLocally}; the publisher drains a
 * bounded queue of forwarded messages into pipelined {@code PUBLISH}es, in queue order. Either
 * connection that fails is dropped and made again after a {@link Backoff}; meanwhile forwarded
 * messages are dropped (at most once) and local subscribers are served as before. The
 * publisher also pings the subscription while idle, so a Redis that went silent is noticed.
 *
 * <p>Thread-safe.
 */
public final class RedisLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.switchboard.cluster.redis");
    /** Most messages waiting to be published; more are dropped. */
    static final int QUEUE_MESSAGES = 16_384;
    /** Most payload bytes waiting to be published; more are dropped. */
    static final long QUEUE_BYTES = 64L * 1024 * 1024;
    private static final int BATCH = 512;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration PING_INTERVAL = Duration.ofSeconds(5);
    /** A subscription that answered no ping this long is dropped and made again. */
    private static final Duration PONG_TIMEOUT = Duration.ofSeconds(15);

    private record Outgoing(byte[] channel, byte[] body) {
    }

    private final RedisEndpoint endpoint;
    private final RelayCodec codec;
    private final Topics topics;
    private final LinkState state;
    private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(QUEUE_MESSAGES);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    /** Set when a drop was logged; cleared by the next successful publish, so a burst logs once. */
    private final AtomicBoolean droppingLogged = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Subscription subscription = new Subscription();
    private volatile Jedis listening;
    private volatile long lastPong = System.nanoTime();
    /** Set by the listener thread when a subscription is confirmed; read and cleared by it when it ends. */
    private boolean subscribed;
    private final Thread listener;
    private final Thread publisher;

    public RedisLink(RedisEndpoint endpoint, RelayCodec codec, Topics topics, LinkState state) {
        this.endpoint = endpoint;
        this.codec = codec;
        this.topics = topics;
        this.state = state;
        this.listener = Thread.ofPlatform().daemon().name("switchboard-redis-listener").unstarted(this::listen);
        this.publisher = Thread.ofPlatform().daemon().name("switchboard-redis-publisher").unstarted(this::publish);
    }

    public void start() {
        listener.start();
        publisher.start();
    }

    /** Queues {@code message} for the other instances; drops it if the queue is full. Never blocks. */
    public void forward(String topic, Message message) {
        byte[] body = codec.encode(message);
        if (queuedBytes.addAndGet(body.length) > QUEUE_BYTES || !queue.offer(new Outgoing(codec.channel(topic), body))) {
            queuedBytes.addAndGet(-body.length);
            drop(1, "the outbound queue is full");
        }
    }

    private void drop(int count, String why) {
        dropped.addAndGet(count);
        if (droppingLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "cluster: dropping messages for other instances: {0} (at most once; counted in dropped())", why);
        }
    }

    /**
     * The publisher thread: pipelines queued messages to Redis. Its connection is made at once,
     * and again after a failure once the backoff has passed, or as soon as messages wait while
     * the subscription is up (Redis is back: don't drop them for the rest of a backoff).
     */
    private void publish() {
        Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF, ThreadLocalRandom.current());
        Jedis jedis = null;
        long retryAt = System.nanoTime();
        long nextPing = System.nanoTime() + PING_INTERVAL.toNanos();
        List<Outgoing> batch = new ArrayList<>(BATCH);
        try {
            while (closed.getCount() > 0) {
                Outgoing first = jedis == null && System.nanoTime() - retryAt >= 0 ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
                long now = System.nanoTime();
                if (now - nextPing >= 0) {
                    nextPing = now + PING_INTERVAL.toNanos();
                    checkSubscription(now);
                }
                if (jedis == null && (now - retryAt >= 0 || first != null && state.listening())) {
                    try {
                        jedis = endpoint.client(false);
                        jedis.ping();
                        state.up(LinkState.Side.PUBLISHER);
                        backoff.reset();
                    } catch (RuntimeException e) {
                        closeQuietly(jedis);
                        jedis = null;
                        state.down(LinkState.Side.PUBLISHER, "publishing connection: " + e.getMessage());
                        retryAt = System.nanoTime() + backoff.next().toNanos();
                    }
                }
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                long bytes = 0;
                for (Outgoing o : batch) {
                    bytes += o.body().length;
                }
                queuedBytes.addAndGet(-bytes);
                if (jedis == null) {
                    drop(batch.size(), "Redis is unreachable");
                    continue;
                }
                try {
                    Pipeline pipeline = jedis.pipelined();
                    for (Outgoing o : batch) {
                        pipeline.publish(o.channel(), o.body());
                    }
                    pipeline.sync();
                    forwarded.addAndGet(batch.size());
                    droppingLogged.set(false);
                } catch (RuntimeException e) { // JedisException and what a broken pipeline throws
                    drop(batch.size(), "publishing failed: " + e.getMessage());
                    state.down(LinkState.Side.PUBLISHER, "publishing failed: " + e.getMessage());
                    closeQuietly(jedis);
                    jedis = null;
                    retryAt = System.nanoTime() + backoff.next().toNanos();
                }
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            closeQuietly(jedis);
        }
    }

    /** Pings the subscription; drops it if it answered nothing for too long. Publisher thread. */
    private void checkSubscription(long now) {
        Jedis current = listening;
        if (current == null || !subscription.isSubscribed()) {
            return;
        }
        if (now - lastPong > PONG_TIMEOUT.toNanos()) {
            LOG.log(Level.DEBUG, "cluster: no pong from Redis for {0} s; reconnecting", PONG_TIMEOUT.toSeconds());
            current.disconnect(); // the listener's read fails and it reconnects
            return;
        }
        try {
            subscription.ping();
        } catch (RuntimeException e) {
            current.disconnect();
        }
    }

    /** The listener thread: holds the subscription, reconnecting with backoff. */
    private void listen() {
        Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF, ThreadLocalRandom.current());
        while (closed.getCount() > 0) {
            Jedis jedis = endpoint.client(true);
            listening = jedis;
            try {
                lastPong = System.nanoTime();
                jedis.psubscribe(subscription, codec.pattern()); // returns when unsubscribed or broken
                if (closed.getCount() > 0) {
                    state.down(LinkState.Side.LISTENER, "the subscription ended");
                }
            } catch (RuntimeException e) {
                if (closed.getCount() > 0) {
                    state.down(LinkState.Side.LISTENER, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            } finally {
                listening = null;
                closeQuietly(jedis);
            }
            if (subscribed) {
                subscribed = false;
                backoff.reset(); // it was up: the first retry comes soon
            }
            try {
                if (closed.await(backoff.next().toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The PSUBSCRIBE callbacks, on the listener thread. */
    private final class Subscription extends BinaryJedisPubSub {
        @Override
        public void onPSubscribe(byte[] pattern, int subscribedChannels) {
            lastPong = System.nanoTime();
            subscribed = true;
            state.up(LinkState.Side.LISTENER);
        }

        @Override
        public void onPong(byte[] pattern) {
            lastPong = System.nanoTime();
        }

        @Override
        public void onPMessage(byte[] pattern, byte[] channel, byte[] body) {
            Optional<RelayCodec.Received> message;
            try {
                message = codec.decode(channel, body);
            } catch (IllegalArgumentException e) {
                if (rejected.getAndIncrement() == 0) {
                    LOG.log(Level.WARNING, "cluster: ignoring a message on the topic channels that is not ours: {0} (logged once; counted in rejected())",
                            e.getMessage());
                }
                return;
            }
            if (message.isPresent()) {
                received.incrementAndGet();
                try {
                    topics.publishLocally(message.get().topic(), message.get().message());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cluster: delivering a message on {0} failed: {1}", message.get().topic(), e.toString());
                }
            }
        }
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long received() {
        return received.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Stops both threads and closes both connections; waits a bounded time for the threads. */
    @Override
    public void close() {
        closed.countDown();
        try {
            if (subscription.isSubscribed()) {
                subscription.punsubscribe();
            }
        } catch (RuntimeException e) {
            // the connection is gone already
        }
        Jedis current = listening;
        if (current != null) {
            current.disconnect();
        }
        publisher.interrupt();
        try {
            listener.join(Duration.ofSeconds(2));
            publisher.join(Duration.ofSeconds(7)); // a publish in progress is bounded by the socket timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // already broken
            }
        }
    }
}
