package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Headers;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 negotiation rules and the message transform, checked against the JDK's zlib directly. */
class PerMessageDeflateTest {

    private static final String ANSWER = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    private static Headers offer(String... lines) {
        Headers.Builder b = Headers.builder();
        for (String line : lines) {
            b.add("Sec-WebSocket-Extensions", line);
        }
        return b.build();
    }

    @Test
    void serverAcceptsAPlainOfferAndAlwaysDisablesContextTakeover() {
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(offer("permessage-deflate")));
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(offer("permessage-deflate; client_max_window_bits")));
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(offer(PerMessageDeflate.CLIENT_OFFER)));
    }

    @Test
    void serverMaxWindowBitsOf15IsConfirmedAndSmallerWindowsAreDeclined() {
        assertEquals(Optional.of(ANSWER + "; server_max_window_bits=15"),
                PerMessageDeflate.accept(offer("permessage-deflate; server_max_window_bits=15")));
        assertEquals(Optional.empty(), PerMessageDeflate.accept(offer("permessage-deflate; server_max_window_bits=10")));
    }

    @Test
    void theFirstAcceptableOfferWinsAcrossFieldLines() {
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(
                offer("x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=9", "permessage-deflate")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=20",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; unknown_param",
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
        "other-extension",
        "permessage-deflate;",                                        // an empty parameter, as in the next one
        "permessage-deflate;;",
        "permessage-deflate;; client_no_context_takeover",
        ";",
        "; , ;;",
        "x-other; note=\"a, permessage-deflate, b\"",                  // inside another extension's quoted value
        "x-other; note=\"a\\\", permessage-deflate, b\"",             // an escaped quote does not end it
    })
    void invalidOrUnknownOffersAreDeclined(String line) {
        assertEquals(Optional.empty(), PerMessageDeflate.accept(offer(line)));
    }

    @Test
    void aMalformedElementIsDroppedAndALaterOfferStillAccepted() {
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(offer(";, permessage-deflate;;, permessage-deflate")));
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(offer(";", "permessage-deflate")));
        assertEquals(Optional.of(ANSWER), PerMessageDeflate.accept(
                offer("x-other; note=\"a, b; c\", permessage-deflate; client_max_window_bits")));
    }

    @Test
    void quotedParameterValuesAreAccepted() {
        assertTrue(PerMessageDeflate.accept(offer("permessage-deflate; server_max_window_bits=\"15\"")).isPresent());
    }

    @Test
    void clientAcceptsTheAnswerToItsOffer() {
        assertTrue(PerMessageDeflate.agreed(offer(ANSWER)));
        assertTrue(PerMessageDeflate.agreed(offer(ANSWER + "; server_max_window_bits=10")));
        assertFalse(PerMessageDeflate.agreed(Headers.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate",                                         // server_no_context_takeover not confirmed
        "permessage-deflate; server_no_context_takeover; client_max_window_bits=10", // not offered
        "permessage-deflate; server_no_context_takeover; mystery",
        "x-other; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover, permessage-deflate; server_no_context_takeover",
    })
    void clientRejectsAnswersItCannotHonour(String line) {
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.agreed(offer(line)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 1000, 70_000, 1 << 20})
    void deflatedMessagesInflateBackWithTheTailRestored(int length) throws Exception {
        byte[] data = new byte[length];
        Random random = new Random(length);
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 'a' + i % 7);
        }
        byte[] compressed = PerMessageDeflate.deflate(data, 0, length);
        if (length == 0) {
            assertArrayEquals(new byte[] {0}, compressed, "§7.2.3.6: an empty message is one 0x00 byte");
        }
        Inflater inflater = new Inflater(true);
        inflater.setInput(concat(compressed, PerMessageDeflate.TAIL));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inflater.inflate(buf)) > 0 || !inflater.needsInput()) {
            out.write(buf, 0, n);
            if (n == 0 && inflater.needsInput()) {
                break;
            }
        }
        assertArrayEquals(data, out.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
