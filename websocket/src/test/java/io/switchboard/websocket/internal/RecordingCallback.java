package io.switchboard.websocket.internal;

import io.switchboard.api.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a {@link FrameReader} reports, control frames and messages alike, as one
 * ordered list of short strings, so a test can compare the whole history at once (and so
 * see any event it did not expect).
 */
final class RecordingCallback implements FrameReader.Callback {

    private final List<String> events = new ArrayList<>();

    @Override
    public void onPing(byte[] payload) {
        events.add("ping " + Frames.hex(payload));
    }

    @Override
    public void onPong(byte[] payload) {
        events.add("pong " + Frames.hex(payload));
    }

    @Override
    public void onClose(int code, String reason) {
        events.add("close " + code + " " + reason);
    }

    /** Everything recorded so far, in order. */
    List<String> events() {
        return List.copyOf(events);
    }

    /** Reads messages until the reader returns null (a close frame), recording each one. */
    List<String> readToClose(FrameReader reader) throws IOException {
        Message message;
        while ((message = reader.readMessage()) != null) {
            events.add(describe(message));
        }
        return events();
    }

    static String describe(Message message) {
        return switch (message) {
            case Message.Text t -> "text " + t.text();
            case Message.Binary b -> "binary " + Frames.hex(b.bytes());
        };
    }
}
