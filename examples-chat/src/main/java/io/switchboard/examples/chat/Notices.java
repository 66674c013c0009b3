package io.switchboard.examples.chat;

/**
 * The JSON objects the chat sends, one per WebSocket text message:
 * <pre>
 * {"type":"join","room":"lobby","name":"ann","count":2}
 * {"type":"message","room":"lobby","name":"ann","text":"hi"}
 * {"type":"leave","room":"lobby","name":"ann","count":1}
 * </pre>
 * {@code count} is the number of sessions in the room after the join or leave. Pure functions;
 * thread-safe.
 */
final class Notices {

    private Notices() {
    }

    static String join(String room, String name, int count) {
        return "{\"type\":\"join\",\"room\":" + string(room) + ",\"name\":" + string(name) + ",\"count\":" + count + "}";
    }

    static String leave(String room, String name, int count) {
        return "{\"type\":\"leave\",\"room\":" + string(room) + ",\"name\":" + string(name) + ",\"count\":" + count + "}";
    }

    static String message(String room, String name, String text) {
        return "{\"type\":\"message\",\"room\":" + string(room) + ",\"name\":" + string(name) + ",\"text\":" + string(text) + "}";
    }

    /** {@code s} as a JSON string literal (RFC 8259 §7): quotes, backslashes and controls escaped. */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) { // the last two break old JS parsers
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
