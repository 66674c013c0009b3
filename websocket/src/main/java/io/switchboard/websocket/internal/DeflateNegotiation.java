package io.switchboard.websocket.internal;

import io.switchboard.api.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 7692 §7.1 negotiation of permessage-deflate: the server's choice among a client's offers,
 * the client's offers, and the client's check of the server's answer. Every parameter is
 * understood: {@code server_no_context_takeover}, {@code client_no_context_takeover},
 * {@code server_max_window_bits} and {@code client_max_window_bits} (bare in offers, or 8–15).
 *
 * <p>A side's {@link DeflatePolicy} bounds what a session holds: its own compressor uses at most
 * the policy's window, and it asks the peer for the same window where the RFC lets it. A server
 * whose policy window is below 15 and whose client cannot be asked for a smaller window (no
 * {@code client_max_window_bits} in the offer) answers {@code client_no_context_takeover}
 * (§7.1.1.2 allows it), so it never keeps a 32 KiB window it did not agree to.
 *
 * <p>Pure functions over header values; thread-safe.
 */
public final class DeflateNegotiation {

    static final String NAME = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
    private static final String SERVER_BITS = "server_max_window_bits";
    private static final String CLIENT_BITS = "client_max_window_bits";
    private static final int MAX_BITS = 15;

    private DeflateNegotiation() {
    }

    /** One extension offer or response element: its name and parameters (values may be null). */
    record Element(String name, Map<String, String> params) {
    }

    /**
     * Server side (§7.1): the agreement for the first permessage-deflate offer that is valid
     * (every offer with valid parameters can be honoured), or empty to decline every offer (the
     * response then names no extension).
     */
    public static Optional<DeflateAgreement> accept(Headers requestHeaders, DeflatePolicy policy) {
        for (Element offer : parse(requestHeaders.all("Sec-WebSocket-Extensions"))) {
            if (offer.name().equals(NAME) && validParams(offer.params(), true)) {
                return Optional.of(answer(offer.params(), policy));
            }
        }
        return Optional.empty();
    }

    private static DeflateAgreement answer(Map<String, String> offer, DeflatePolicy policy) {
        boolean serverNoContext = offer.containsKey(SERVER_NO_CONTEXT) || !policy.contextTakeover();
        boolean clientNoContext = offer.containsKey(CLIENT_NO_CONTEXT) || !policy.contextTakeover();
        int serverBits = Math.min(bits(offer.get(SERVER_BITS)), policy.windowBits());
        boolean clientBitsOffered = offer.containsKey(CLIENT_BITS);
        int clientBits = clientBitsOffered ? Math.min(bits(offer.get(CLIENT_BITS)), policy.windowBits()) : MAX_BITS;
        if (!clientBitsOffered && policy.windowBits() < MAX_BITS) {
            clientNoContext = true; // the client's window cannot be bounded: keep no inbound context
        }
        StringBuilder header = new StringBuilder(NAME);
        if (serverNoContext) {
            header.append("; ").append(SERVER_NO_CONTEXT);
        }
        if (clientNoContext) {
            header.append("; ").append(CLIENT_NO_CONTEXT);
        }
        if (offer.containsKey(SERVER_BITS) || serverBits < MAX_BITS) {
            header.append("; ").append(SERVER_BITS).append('=').append(serverBits); // §7.1.2.1 allows it unasked
        }
        if (clientBitsOffered && (clientBits < MAX_BITS || offer.get(CLIENT_BITS) != null)) {
            header.append("; ").append(CLIENT_BITS).append('=').append(clientBits); // only if offered (§7.1.2.2)
        }
        return new DeflateAgreement(serverNoContext, clientNoContext, serverBits, clientBits, policy.memoryLevel(),
                header.toString());
    }

    /**
     * Client side: the offers to send, best first (§5 allows several; the server takes the first
     * it accepts). The first offers {@code client_max_window_bits}, which some servers insist
     * on, and with a policy window below 15 asks for that server window too; the next drops the
     * window request for servers that cannot lower their window (our inflater then keeps 15
     * bits); the last is plain {@code permessage-deflate} for servers that know no parameter.
     */
    public static List<String> offers(DeflatePolicy policy) {
        String noContext = policy.contextTakeover() ? "" : "; " + SERVER_NO_CONTEXT + "; " + CLIENT_NO_CONTEXT;
        List<String> offers = new ArrayList<>(3);
        if (policy.windowBits() < MAX_BITS) {
            offers.add(NAME + "; " + CLIENT_BITS + "; " + SERVER_BITS + "=" + policy.windowBits() + noContext);
        }
        offers.add(NAME + "; " + CLIENT_BITS + noContext);
        offers.add(NAME + noContext);
        return offers;
    }

    /**
     * Client side: checks the server's {@code Sec-WebSocket-Extensions} answer against the
     * {@link #offers} made with {@code policy}; the answer must fit one of them (§7.1: a server
     * may add {@code *_no_context_takeover}, lower a window bits value, and add
     * {@code server_max_window_bits}, but add no {@code client_max_window_bits} not offered).
     *
     * @return the agreement, or empty if the server declined compression
     * @throws IllegalArgumentException describing why the answer is not acceptable
     */
    public static Optional<DeflateAgreement> agreed(Headers responseHeaders, DeflatePolicy policy) {
        List<Element> elements = parse(responseHeaders.all("Sec-WebSocket-Extensions"));
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        if (elements.size() != 1 || !elements.get(0).name().equals(NAME)) {
            throw new IllegalArgumentException("server selected extensions " + responseHeaders.all("Sec-WebSocket-Extensions")
                    + "; only " + NAME + " was offered");
        }
        Map<String, String> answer = elements.get(0).params();
        if (!validParams(answer, false)) {
            throw new IllegalArgumentException("invalid " + NAME + " parameters in the response: " + answer);
        }
        for (String offer : offers(policy)) {
            Map<String, String> offered = parse(List.of(offer)).get(0).params();
            if (fits(answer, offered)) {
                boolean clientNoContext = answer.containsKey(CLIENT_NO_CONTEXT) || !policy.contextTakeover();
                return Optional.of(new DeflateAgreement(answer.containsKey(SERVER_NO_CONTEXT), clientNoContext,
                        bits(answer.get(SERVER_BITS)), Math.min(bits(answer.get(CLIENT_BITS)), policy.windowBits()),
                        policy.memoryLevel(), String.join(", ", responseHeaders.all("Sec-WebSocket-Extensions").stream()
                                .filter(line -> !line.isBlank()).map(String::strip).toList())));
            }
        }
        throw new IllegalArgumentException("the " + NAME + " response " + answer + " fits none of the offers "
                + offers(policy));
    }

    /** Whether a (valid) response answers this offer (§7.1.1, §7.1.2). */
    static boolean fits(Map<String, String> answer, Map<String, String> offer) {
        if (offer.containsKey(SERVER_NO_CONTEXT) && !answer.containsKey(SERVER_NO_CONTEXT)) {
            return false;
        }
        if (offer.containsKey(SERVER_BITS)
                && (!answer.containsKey(SERVER_BITS) || bits(answer.get(SERVER_BITS)) > bits(offer.get(SERVER_BITS)))) {
            return false;
        }
        if (answer.containsKey(CLIENT_BITS)) {
            return offer.containsKey(CLIENT_BITS) && bits(answer.get(CLIENT_BITS)) <= bits(offer.get(CLIENT_BITS));
        }
        return true;
    }

    /** A window bits value already checked by validParams; absent (or bare) means 15. */
    private static int bits(String value) {
        return value == null ? MAX_BITS : Integer.parseInt(value);
    }

    /**
     * Parses {@code a; x=1, b} lists from several field lines; a malformed element is kept with
     * a marker that makes validParams fail.
     */
    static List<Element> parse(List<String> lines) {
        List<Element> result = new ArrayList<>();
        for (String line : lines) {
            for (String item : split(line, ',')) {
                List<String> parts = split(item, ';');
                String name = parts.get(0).strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                Map<String, String> params = new LinkedHashMap<>();
                boolean duplicate = false;
                for (int i = 1; i < parts.size(); i++) {
                    String p = parts.get(i).strip();
                    int eq = p.indexOf('=');
                    String key = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                    String value = eq < 0 ? null : unquote(p.substring(eq + 1).strip());
                    duplicate |= params.containsKey(key);
                    params.put(key, value);
                }
                if (duplicate) {
                    params.put("duplicate parameter", null); // makes validParams fail
                }
                result.add(new Element(name, params));
            }
        }
        return result;
    }

    /** Splits at {@code separator} outside quoted strings (RFC 9110 §5.6.4), keeping empty parts. */
    private static List<String> split(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++; // quoted-pair: the next character is literal
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /**
     * §7.1: known parameters only, each at most once, window bits 8–15 without leading zeroes
     * (§7.1.2.1; the client's may be bare in offers).
     */
    private static boolean validParams(Map<String, String> params, boolean offer) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case SERVER_NO_CONTEXT, CLIENT_NO_CONTEXT -> {
                    if (v != null) {
                        return false;
                    }
                }
                case SERVER_BITS -> {
                    if (!windowBits(v)) {
                        return false;
                    }
                }
                case CLIENT_BITS -> {
                    if (!(offer && v == null) && !windowBits(v)) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean windowBits(String v) {
        if (v == null || v.isEmpty() || v.length() > 2 || v.charAt(0) == '0' || !v.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int bits = Integer.parseInt(v);
        return bits >= 8 && bits <= 15;
    }
}
