package io.switchboard.examples.chat;

import io.switchboard.api.CloseStatus;
import io.switchboard.api.Message;
import io.switchboard.api.Request;
import io.switchboard.api.Topics;
import io.switchboard.api.WebSocket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Chat rooms: a session opened on {@code /chat?room=ROOM&name=NAME} joins the room (default
 * {@code lobby}; a missing name becomes {@code guest-N}); every text message it sends goes to
 * every session of the room, itself included; joining and leaving are announced to the room
 * (see {@link Notices} for the JSON).
 *
 * <p>A room is the topic {@code chat/ROOM} of {@link Topics}: a message is encoded once and
 * queued for each member, whose own budget bounds what may wait for it, so a member that stops
 * reading is closed (1008) and delays no one. Invalid input gets a precise close: a bad room
 * or name 1008 with the rule as its reason, a binary message 1003.
 *
 * <p>Thread-safe: {@link #serve} runs on each connection's own thread.
 */
public final class Chat {

    /** The room of a session that names none. */
    public static final String DEFAULT_ROOM = "lobby";
    /** Room names: what fits in a topic name and a URL without escaping. */
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The longest name, in characters. */
    static final int MAX_NAME = 32;

    private final Topics topics;
    /** Numbers the guests that named themselves nothing. */
    private final AtomicLong guests = new AtomicLong();

    /** A chat whose rooms are topics of {@code topics}. */
    public Chat(Topics topics) {
        this.topics = topics;
    }

    /** Serves one session until it ends. */
    public void serve(Request request, WebSocket ws) {
        String room = request.queryParameter("room").orElse(DEFAULT_ROOM);
        if (!ROOM.matcher(room).matches()) {
            ws.close(CloseStatus.POLICY_VIOLATION, "room: 1 to 64 letters, digits, - or _");
            return;
        }
        Optional<String> asked = request.queryParameter("name").map(String::strip).filter(n -> !n.isEmpty());
        String name = asked.orElseGet(() -> "guest-" + guests.incrementAndGet());
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            ws.close(CloseStatus.POLICY_VIOLATION, "name: 1 to " + MAX_NAME + " characters, no control characters");
            return;
        }
        String topic = "chat/" + room;
        if (!topics.subscribe(topic, ws)) {
            return; // closed already
        }
        try {
            topics.publish(topic, Notices.join(room, name, topics.subscribers(topic)));
            Message msg;
            while ((msg = ws.read()) != null) {
                if (msg instanceof Message.Text text) {
                    topics.publish(topic, Notices.message(room, name, text.text()));
                } else {
                    ws.close(CloseStatus.UNSUPPORTED_DATA, "text messages only");
                }
            }
        } finally {
            topics.unsubscribe(topic, ws);
            topics.publish(topic, Notices.leave(room, name, topics.subscribers(topic)));
        }
    }
}
