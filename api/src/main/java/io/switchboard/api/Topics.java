package io.switchboard.api;

/**
 * Named topics for broadcast: sessions subscribe to a topic by name, and a message published to
 * it reaches every subscriber. A chat room is a topic:
 *
 * <pre>{@code
 * WebSocketHandler room = (request, ws) -> {
 *     topics.subscribe("lobby", ws);
 *     Message msg;
 *     while ((msg = ws.read()) != null) {
 *         topics.publish("lobby", msg); // reaches every session in the lobby, this one too
 *     }
 * }; // a closed session leaves its topics by itself
 * }</pre>
 *
 * <p>Inside an OSGi framework this is a service registered by the {@code io.switchboard.websocket}
 * bundle; on the module path, {@code WebSocketServer.topics()} returns it. One instance serves
 * every server (plain and TLS) of a process.
 *
 * <h2>Delivery</h2>
 * A published message is encoded once into a WebSocket frame (and compressed once for
 * permessage-deflate sessions without context takeover), then written to every subscriber by
 * that subscriber's own virtual thread: the publisher never waits for a subscriber's socket, and
 * a slow subscriber never delays the others. Each subscriber's frames wait in its own queue,
 * bounded by its outbound budget; a subscriber whose queue would go over the budget is closed
 * with 1008 (policy violation, "slow consumer") and misses the frame, and its writes run under
 * its slow-peer policy and write timeout like any send. Messages from one publishing thread
 * reach each subscriber in the order they were published; messages of different publishers
 * may interleave.
 *
 * <h2>Across instances</h2>
 * With a {@link io.switchboard.api.spi.TopicRelay} added (the {@code cluster-redis} bundle adds
 * one), a message published here also goes to every other instance sharing the relay, at most
 * once and in publishing order per publisher; the relay hands messages from other instances to
 * {@link #publishLocally}.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface Topics {

    /** The longest topic name, in characters. */
    int MAX_NAME_LENGTH = 256;

    /**
     * Subscribes {@code session} to {@code topic}. The session leaves every topic by itself when
     * it closes.
     *
     * @return true if it was not subscribed yet; false if it was, or if it is closed
     * @throws IllegalArgumentException if {@code topic} is empty or longer than {@link #MAX_NAME_LENGTH}
     */
    boolean subscribe(String topic, WebSocket session);

    /**
     * Unsubscribes {@code session} from {@code topic}; frames already queued for it are still
     * written.
     *
     * @return whether it was subscribed
     */
    boolean unsubscribe(String topic, WebSocket session);

    /** The number of sessions of this instance subscribed to {@code topic}. */
    int subscribers(String topic);

    /**
     * Publishes {@code message} to {@code topic}: to the subscribers of this instance, and through
     * every relay to the other instances. Returns without waiting for any subscriber.
     *
     * @return the number of local subscribers the message was queued for
     */
    int publish(String topic, Message message);

    /** Publishes a text message; see {@link #publish(String, Message)}. */
    default int publish(String topic, String text) {
        return publish(topic, Message.text(text));
    }

    /** Publishes a binary message holding a copy of {@code bytes}; see {@link #publish(String, Message)}. */
    default int publish(String topic, byte[] bytes) {
        return publish(topic, Message.binary(bytes));
    }

    /**
     * Delivers {@code message} to the subscribers of this instance only, not to relays: what a
     * relay calls for messages from other instances, and what instance-local notices use.
     *
     * @return the number of local subscribers the message was queued for
     */
    int publishLocally(String topic, Message message);

    /** Adds a relay: from now on every {@link #publish} is also handed to it. */
    void addRelay(io.switchboard.api.spi.TopicRelay relay);

    /** Removes a relay added before; returns whether it was there. */
    boolean removeRelay(io.switchboard.api.spi.TopicRelay relay);
}
