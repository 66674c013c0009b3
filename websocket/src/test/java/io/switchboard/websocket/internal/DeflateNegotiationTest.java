package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 §7.1 negotiation: every parameter, both sides, every combination of offer and policy. */
class DeflateNegotiationTest {

    static final DeflatePolicy FULL = new DeflatePolicy(15, 8, true);
    static final DeflatePolicy SMALL = new DeflatePolicy(12, 4, true);
    static final DeflatePolicy TINY = new DeflatePolicy(8, 1, true);
    static final DeflatePolicy NO_CONTEXT = new DeflatePolicy(15, 8, false);
    static final DeflatePolicy SMALL_NO_CONTEXT = new DeflatePolicy(10, 4, false);
    static final List<DeflatePolicy> POLICIES = List.of(FULL, SMALL, TINY, NO_CONTEXT, SMALL_NO_CONTEXT);

    static Headers extensions(String... lines) {
        Headers.Builder b = Headers.builder();
        for (String line : lines) {
            b.add("Sec-WebSocket-Extensions", line);
        }
        return b.build();
    }

    private static String answer(String offer, DeflatePolicy policy) {
        return DeflateNegotiation.accept(extensions(offer), policy).map(DeflateAgreement::header).orElse("declined");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate | permessage-deflate",
        "permessage-deflate; client_max_window_bits | permessage-deflate",
        "permessage-deflate; client_max_window_bits=10 | permessage-deflate; client_max_window_bits=10",
        "permessage-deflate; client_max_window_bits=15 | permessage-deflate; client_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=8 | permessage-deflate; server_max_window_bits=8",
        "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
        "permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=11"
                + " | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=11",
        "permessage-deflate; server_max_window_bits=\"12\" | permessage-deflate; server_max_window_bits=12",
    })
    void aFullPolicyServerGrantsEveryOfferAsMade(String offer, String expected) {
        assertEquals(expected, answer(offer, FULL));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // the client's window cannot be bounded: inbound context is refused instead (§7.1.1.2)
        "permessage-deflate | permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
        "permessage-deflate; client_max_window_bits | permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
        "permessage-deflate; client_max_window_bits=9; server_max_window_bits=10"
                + " | permessage-deflate; server_max_window_bits=10; client_max_window_bits=9",
        "permessage-deflate; client_max_window_bits=15; server_max_window_bits=15"
                + " | permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
    })
    void aSmallPolicyServerLowersWindowsToItsBound(String offer, String expected) {
        assertEquals(expected, answer(offer, SMALL));
    }

    @Test
    void aServerWithoutContextTakeoverSaysSoForBothDirections() {
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                answer("permessage-deflate; client_max_window_bits", NO_CONTEXT));
    }

    @Test
    void theFirstValidOfferWinsAcrossFieldLines() {
        assertEquals("permessage-deflate; server_max_window_bits=9", DeflateNegotiation.accept(
                extensions("x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=9", "permessage-deflate"),
                FULL).orElseThrow().header());
        assertEquals("permessage-deflate", answer(";, permessage-deflate;;, permessage-deflate", FULL));
        assertEquals("permessage-deflate", answer("x-other; note=\"a, b; c\", permessage-deflate", FULL));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=09",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=20",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; unknown_param",
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
        "other-extension",
        "permessage-deflate;",
        "permessage-deflate;;",
        "permessage-deflate;; client_no_context_takeover",
        ";",
        "; , ;;",
        "x-other; note=\"a, permessage-deflate, b\"",
        "x-other; note=\"a\\\", permessage-deflate, b\"",
    })
    void invalidOrUnknownOffersAreDeclined(String line) {
        assertEquals("declined", answer(line, FULL));
    }

    @Test
    void theClientOffersClientMaxWindowBitsFirstAndAPlainFallback() {
        assertEquals(List.of("permessage-deflate; client_max_window_bits", "permessage-deflate"),
                DeflateNegotiation.offers(FULL));
        assertEquals(List.of("permessage-deflate; client_max_window_bits; server_max_window_bits=12",
                "permessage-deflate; client_max_window_bits", "permessage-deflate"), DeflateNegotiation.offers(SMALL));
        assertEquals(List.of(
                "permessage-deflate; client_max_window_bits; server_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                DeflateNegotiation.offers(NO_CONTEXT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover",                       // may be added unasked
        "permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=9",                         // may be added unasked
        "permessage-deflate; client_max_window_bits=8",                         // offered bare: any value
        "permessage-deflate; client_max_window_bits=15; server_max_window_bits=15",
    })
    void theClientHonoursAnyAnswerWithinItsOffers(String response) {
        DeflateAgreement a = DeflateNegotiation.agreed(extensions(response), FULL).orElseThrow();
        assertEquals(response, a.header());
        assertEquals(response.contains("server_no_context_takeover"), a.serverNoContextTakeover());
        assertEquals(response.contains("client_max_window_bits=8") ? 8 : 15, a.clientMaxWindowBits());
        assertEquals(response.contains("server_max_window_bits=9") ? 9 : 15, a.serverMaxWindowBits());
        assertEquals(Optional.empty(), DeflateNegotiation.agreed(Headers.empty(), FULL));
    }

    @Test
    void anAnswerAfterAnEmptyFieldLineIsRecordedWhole() {
        assertEquals("permessage-deflate; server_max_window_bits=10", DeflateNegotiation.agreed(
                extensions("", "permessage-deflate; server_max_window_bits=10"), FULL).orElseThrow().header());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate; client_max_window_bits",                   // a bare value in an answer
        "permessage-deflate; mystery",
        "x-other",
        "permessage-deflate, permessage-deflate",
        "permessage-deflate; server_max_window_bits=012",
    })
    void theClientRejectsAnswersOutsideItsOffers(String response) {
        assertThrows(IllegalArgumentException.class,
                () -> DeflateNegotiation.agreed(extensions(response), SMALL));
    }

    @Test
    void aClientMaxWindowBitsAnswerToAnOfferWithoutItIsRejected() {
        DeflatePolicy none = new DeflatePolicy(15, 8, true);
        // offers(FULL) always carry client_max_window_bits in the first offer, so use fits directly
        assertTrue(!DeflateNegotiation.fits(params("permessage-deflate; client_max_window_bits=10"),
                params("permessage-deflate")));
        assertTrue(!DeflateNegotiation.fits(params("permessage-deflate; client_max_window_bits=11"),
                params("permessage-deflate; client_max_window_bits=10")));
        assertTrue(DeflateNegotiation.agreed(extensions("permessage-deflate; client_max_window_bits=10"), none).isPresent());
    }

    private static java.util.Map<String, String> params(String element) {
        return DeflateNegotiation.parse(List.of(element)).get(0).params();
    }

    /** Every combination of the four parameters, against every policy: answered within the offer and the policy. */
    @Test
    void everyParameterCombinationIsAnsweredWithinOfferAndPolicy() throws Exception {
        int checked = 0;
        for (String offer : allOffers()) {
            for (DeflatePolicy policy : POLICIES) {
                DeflateAgreement a = DeflateNegotiation.accept(extensions(offer), policy).orElseThrow(
                        () -> new AssertionError("declined " + offer));
                String context = offer + " with " + policy + " -> " + a.header();
                assertTrue(DeflateNegotiation.fits(params(a.header()), params(offer)), context);
                assertTrue(a.serverMaxWindowBits() <= policy.windowBits(), context);
                if (a.clientMaxWindowBits() > policy.windowBits()) {
                    assertTrue(a.clientNoContextTakeover(), "unbounded inbound window kept: " + context);
                }
                if (offer.contains("server_no_context_takeover") || !policy.contextTakeover()) {
                    assertTrue(a.serverNoContextTakeover(), context);
                }
                roundTrip(a, a, context);
                checked++;
            }
        }
        assertEquals(allOffers().size() * POLICIES.size(), checked);
    }

    /** Every client policy against every server policy: both sides end with the same parameters. */
    @Test
    void ourClientAndServerAgreeForEveryPairOfPolicies() throws Exception {
        for (DeflatePolicy client : POLICIES) {
            for (DeflatePolicy server : POLICIES) {
                Headers request = extensions(String.join(", ", DeflateNegotiation.offers(client)));
                DeflateAgreement s = DeflateNegotiation.accept(request, server).orElseThrow();
                DeflateAgreement c = DeflateNegotiation.agreed(extensions(s.header()), client).orElseThrow();
                String context = client + " offered to " + server + ": " + s.header();
                assertEquals(s.serverNoContextTakeover(), c.serverNoContextTakeover(), context);
                assertEquals(s.serverMaxWindowBits(), c.serverMaxWindowBits(), context);
                assertTrue(c.clientMaxWindowBits() <= s.clientMaxWindowBits(), context);
                assertTrue(c.clientNoContextTakeover() || !s.clientNoContextTakeover(), context);
                assertTrue(c.serverMaxWindowBits() <= client.windowBits() || c.serverNoContextTakeover(),
                        "our server granted the window asked for: " + context);
                roundTrip(c, s, context);
            }
        }
    }

    /** Chatty messages through the agreements' deflaters and inflaters, in both directions. */
    static void roundTrip(DeflateAgreement client, DeflateAgreement server, String context) throws Exception {
        for (boolean fromClient : new boolean[] {true, false}) {
            MessageDeflater deflater = (fromClient ? client : server).deflater(fromClient);
            MessageInflater inflater = (fromClient ? server : client).inflater(!fromClient);
            for (int i = 0; i < 30; i++) {
                byte[] message = ("{\"type\":\"quote\",\"symbol\":\"SYM" + (i % 7) + "\",\"price\":" + (1000 + i * 37)
                        + ",\"padding\":\"" + "x".repeat(i * 20) + "\"}").getBytes(StandardCharsets.UTF_8);
                byte[] compressed = deflater.compress(message, 0, message.length);
                assertArrayEquals(message, inflate(inflater, compressed), context + " message " + i);
            }
            deflater.release();
            inflater.release();
        }
    }

    static byte[] inflate(MessageInflater inflater, byte[] compressed) throws Exception {
        inflater.begin();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[100];
        for (byte[] input : new byte[][] {compressed, PerMessageDeflate.TAIL}) {
            inflater.setInput(input, 0, input.length);
            int n;
            while ((n = inflater.inflate(buffer, 0, buffer.length)) > 0) {
                out.write(buffer, 0, n);
            }
        }
        inflater.endMessage();
        return out.toByteArray();
    }

    private static List<String> allOffers() {
        List<String> offers = new ArrayList<>();
        for (int mask = 0; mask < 4; mask++) {
            for (String serverBits : new String[] {null, "8", "9", "12", "15"}) {
                for (String clientBits : new String[] {null, "", "8", "11", "15"}) {
                    StringBuilder o = new StringBuilder("permessage-deflate");
                    if ((mask & 1) != 0) {
                        o.append("; server_no_context_takeover");
                    }
                    if ((mask & 2) != 0) {
                        o.append("; client_no_context_takeover");
                    }
                    if (serverBits != null) {
                        o.append("; server_max_window_bits=").append(serverBits);
                    }
                    if (clientBits != null) {
                        o.append("; client_max_window_bits").append(clientBits.isEmpty() ? "" : "=" + clientBits);
                    }
                    offers.add(o.toString());
                }
            }
        }
        return offers;
    }
}
