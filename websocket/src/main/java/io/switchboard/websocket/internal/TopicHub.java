package io.switchboard.websocket.internal;

import io.switchboard.api.Message;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocket;
import io.switchboard.api.spi.TopicRelay;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link Topics} of a process: topic name → subscribers, and session → its {@link
 * TopicSubscriber} (one queue per session, whatever the number of its topics, so one
 * publisher's messages reach it in order across topics). A message is encoded once into a
 * {@link SharedFrame} and offered to each subscriber's queue; the publisher never writes.
 *
 * <p>Thread-safe: topic membership changes atomically per topic name
 * ({@link ConcurrentMap#compute}), and an empty topic is removed.
 */
public final class TopicHub implements Topics {

    private static final System.Logger LOG = System.getLogger(TopicHub.class.getName());
    private static final TopicHub SHARED = new TopicHub();

    private final ConcurrentMap<String, Set<TopicSubscriber>> topics = new ConcurrentHashMap<>();
    private final ConcurrentMap<WebSocket, TopicSubscriber> subscribers = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<TopicRelay> relays = new CopyOnWriteArrayList<>();

    /** A hub of its own (tests, and several instances in one process); servers share {@link #shared()}. */
    public TopicHub() {
    }

    /** For {@code ServiceLoader} on the module path: the {@link #shared()} hub. */
    public static TopicHub provider() {
        return SHARED;
    }

    /** The hub every server and session of this process (of this bundle revision) shares. */
    public static TopicHub shared() {
        return SHARED;
    }

    @Override
    public boolean subscribe(String topic, WebSocket session) {
        checkName(topic);
        Objects.requireNonNull(session, "session");
        while (session.isOpen()) {
            TopicSubscriber subscriber = subscribers.computeIfAbsent(session, s -> new TopicSubscriber(s, this));
            if (subscriber.isNew()) {
                subscriber.watchTermination();
            }
            switch (subscriber.join(topic)) {
                case ADDED:
                    topics.compute(topic, (name, set) -> {
                        Set<TopicSubscriber> members = set == null ? ConcurrentHashMap.newKeySet() : set;
                        members.add(subscriber);
                        return members;
                    });
                    if (subscriber.hasLeft()) {
                        removeFrom(topic, subscriber); // it ended meanwhile, and left before this add
                        return false;
                    }
                    return true;
                case PRESENT:
                    return false;
                case LEFT:
                    subscribers.remove(session, subscriber); // ended: try again, isOpen() says false now
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
        return false;
    }

    @Override
    public boolean unsubscribe(String topic, WebSocket session) {
        TopicSubscriber subscriber = subscribers.get(session);
        if (subscriber == null || !subscriber.quit(topic)) {
            return false;
        }
        removeFrom(topic, subscriber);
        return true;
    }

    /** Takes {@code subscriber} out of every topic; called once its session has ended. */
    void leave(TopicSubscriber subscriber) {
        for (String topic : subscriber.leaveAll()) {
            removeFrom(topic, subscriber);
        }
        subscribers.remove(subscriber.session(), subscriber);
    }

    private void removeFrom(String topic, TopicSubscriber subscriber) {
        topics.computeIfPresent(topic, (name, members) -> {
            members.remove(subscriber);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public int subscribers(String topic) {
        Set<TopicSubscriber> members = topics.get(topic);
        return members == null ? 0 : members.size();
    }

    @Override
    public int publish(String topic, Message message) {
        checkName(topic);
        Objects.requireNonNull(message, "message");
        int delivered = deliver(topic, SharedFrame.of(message));
        for (TopicRelay relay : relays) {
            try {
                relay.forward(topic, message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "topic relay {0} failed to forward a message on {1}: {2}", relay, topic, e.toString());
            }
        }
        return delivered;
    }

    @Override
    public int publishLocally(String topic, Message message) {
        checkName(topic);
        Objects.requireNonNull(message, "message");
        return deliver(topic, SharedFrame.of(message));
    }

    private int deliver(String topic, SharedFrame frame) {
        Set<TopicSubscriber> members = topics.get(topic);
        if (members == null) {
            return 0;
        }
        int queued = 0;
        for (TopicSubscriber subscriber : members) {
            if (subscriber.offer(frame)) {
                queued++;
            }
        }
        return queued;
    }

    @Override
    public void addRelay(TopicRelay relay) {
        relays.addIfAbsent(Objects.requireNonNull(relay, "relay"));
    }

    @Override
    public boolean removeRelay(TopicRelay relay) {
        return relays.remove(relay);
    }

    private static void checkName(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a topic name has 1 to " + MAX_NAME_LENGTH + " characters, got "
                    + topic.length());
        }
    }

    @Override
    public String toString() {
        return "TopicHub[" + topics.size() + " topics, " + subscribers.size() + " subscribers]";
    }
}
