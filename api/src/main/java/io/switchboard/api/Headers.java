package io.switchboard.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable list of HTTP header fields with case-insensitive names (RFC 9110 §5.1).
 *
 * <p>A name may occur on several field lines; {@link #all(String)} returns every value in
 * order, {@link #first(String)} the first. Lookups never throw on absent names. Insertion
 * order and the original spelling of names are kept for {@link #forEach}.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers("", 0);

    /**
     * Every field line as {@code name:value\n}, in arrival order, in one string: a session's
     * upgrade request holds one object for its headers, not two strings, an entry and a map node
     * per field. Unambiguous: a name is a token (no {@code :}), and a value holds no line feed.
     */
    private final String text;
    /** The number of field lines. */
    private final int size;

    private Headers(String text, int size) {
        this.text = text;
        this.size = size;
    }

    /** Returns the empty header list. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Returns headers holding one field line per map entry value, in the map's order. */
    public static Headers of(Map<String, ? extends List<String>> map) {
        Builder b = builder();
        map.forEach((name, values) -> values.forEach(v -> b.add(name, v)));
        return b.build();
    }

    /** Returns headers made of alternating names and values: {@code of("A", "1", "B", "2")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name/value pairs, got an odd count "
                    + namesAndValues.length);
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** Returns a new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the value of the field line starting at {@code at} starts, if its name is {@code name}; else -1. */
    private int valueOf(int at, String name) {
        int n = name.length();
        if (name.indexOf(':') >= 0 || name.indexOf('\n') >= 0) {
            return -1; // not a field name: never present
        }
        return text.regionMatches(true, at, name, 0, n) && at + n < text.length() && text.charAt(at + n) == ':'
                ? at + n + 1 : -1;
    }

    /** The first value of {@code name}, or empty if there is none. */
    public Optional<String> first(String name) {
        Objects.requireNonNull(name, "name");
        for (int at = 0; at < text.length(); at = text.indexOf('\n', at) + 1) {
            int value = valueOf(at, name);
            if (value >= 0) {
                return Optional.of(text.substring(value, text.indexOf('\n', value)));
            }
        }
        return Optional.empty();
    }

    /** Every value of {@code name} in arrival order; an empty list if there is none. */
    public List<String> all(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = null;
        for (int at = 0; at < text.length(); at = text.indexOf('\n', at) + 1) {
            int value = valueOf(at, name);
            if (value >= 0) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(text.substring(value, text.indexOf('\n', value)));
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Whether a field line named {@code name} is present. */
    public boolean contains(String name) {
        Objects.requireNonNull(name, "name");
        for (int at = 0; at < text.length(); at = text.indexOf('\n', at) + 1) {
            if (valueOf(at, name) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any value of {@code name}, read as a comma-separated list, holds {@code token}
     * (compared without regard to case), e.g. {@code Connection: keep-alive, Upgrade}.
     */
    public boolean containsToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The distinct names present, lower-cased. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        forEach((name, value) -> names.add(name.toLowerCase(Locale.ROOT)));
        return Collections.unmodifiableSet(names);
    }

    /** The number of field lines. */
    public int size() {
        return size;
    }

    /** Calls {@code action} with each field line's name (as written) and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int at = 0; at < text.length(); ) {
            int colon = text.indexOf(':', at);
            int end = text.indexOf('\n', colon);
            action.accept(text.substring(at, colon), text.substring(colon + 1, end));
            at = end + 1;
        }
    }

    /** Returns a builder holding these fields, to derive a modified copy. */
    public Builder toBuilder() {
        Builder b = builder();
        forEach(b::add);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        forEach((n, v) -> sb.append(sb.length() > 8 ? ", " : "").append(n).append(": ").append(v));
        return sb.append(']').toString();
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** Collects field lines for a {@link Headers}. Not thread-safe. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> fields = new ArrayList<>();

        private Builder() {
        }

        /**
         * Appends a field line.
         *
         * @throws IllegalArgumentException if {@code name} is not a token (RFC 9110 §5.1) or
         *         {@code value} holds a control character other than tab, such as CR or LF:
         *         written out, it would end the field early and let the rest pass as header
         *         lines or a body of its own (header injection)
         */
        public Builder add(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(Headers::isTokenChar)) {
                throw new IllegalArgumentException("invalid header field name '" + name
                        + "': expected letters, digits and !#$%&'*+-.^_`|~ only");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    throw new IllegalArgumentException("control character 0x" + Integer.toHexString(c)
                            + " in the value of header field " + name);
                }
            }
            fields.add(Map.entry(name, value));
            return this;
        }

        /** Replaces every field line named {@code name} (any case) with one holding {@code value}. */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        /** Removes every field line named {@code name}, compared without regard to case. */
        public Builder remove(String name) {
            fields.removeIf(e -> e.getKey().equalsIgnoreCase(name));
            return this;
        }

        /** Returns the immutable headers. */
        public Headers build() {
            if (fields.isEmpty()) {
                return EMPTY;
            }
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, String> e : fields) {
                text.append(e.getKey()).append(':').append(e.getValue()).append('\n');
            }
            return new Headers(text.toString(), fields.size());
        }
    }
}
