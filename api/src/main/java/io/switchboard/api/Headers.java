package io.switchboard.api;

import java.util.ArrayList;
import java.util.Arrays;
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

    private static final Headers EMPTY = new Headers("", new int[0]);

    /**
     * Every name (as written) and value, one after the other, in arrival order: kept as one
     * string, so a session's upgrade request holds one object for its headers, not two strings,
     * an entry and a map node per field.
     */
    private final String text;
    /** Where each name and each value ends in {@code text}: {@code ends[2i]} name i, {@code ends[2i + 1]} value i. */
    private final int[] ends;

    private Headers(String text, int[] ends) {
        this.text = text;
        this.ends = ends;
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

    private int start(int boundary) {
        return boundary == 0 ? 0 : ends[boundary - 1];
    }

    private String name(int field) {
        return text.substring(start(2 * field), ends[2 * field]);
    }

    private String value(int field) {
        return text.substring(ends[2 * field], ends[2 * field + 1]);
    }

    private boolean named(int field, String name) {
        int from = start(2 * field);
        return ends[2 * field] - from == name.length() && text.regionMatches(true, from, name, 0, name.length());
    }

    /** The first value of {@code name}, or empty if there is none. */
    public Optional<String> first(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < size(); i++) {
            if (named(i, name)) {
                return Optional.of(value(i));
            }
        }
        return Optional.empty();
    }

    /** Every value of {@code name} in arrival order; an empty list if there is none. */
    public List<String> all(String name) {
        Objects.requireNonNull(name, "name");
        List<String> values = null;
        for (int i = 0; i < size(); i++) {
            if (named(i, name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(value(i));
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Whether a field line named {@code name} is present. */
    public boolean contains(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < size(); i++) {
            if (named(i, name)) {
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
        for (int i = 0; i < size(); i++) {
            names.add(name(i).toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(names);
    }

    /** The number of field lines. */
    public int size() {
        return ends.length / 2;
    }

    /** Calls {@code action} with each field line's name (as written) and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size(); i++) {
            action.accept(name(i), value(i));
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
        return o instanceof Headers other && other.text.equals(text) && Arrays.equals(other.ends, ends);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + Arrays.hashCode(ends);
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
            int[] ends = new int[2 * fields.size()];
            int i = 0;
            for (Map.Entry<String, String> e : fields) {
                ends[i++] = text.append(e.getKey()).length();
                ends[i++] = text.append(e.getValue()).length();
            }
            return new Headers(text.toString(), ends);
        }
    }
}
