package io.switchboard.websocket.internal;

import static io.switchboard.websocket.internal.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validator against the JDK's strict UTF-8 decoder (RFC 3629): same verdict on whole
 * inputs, fed at once or in pieces, and the first invalid byte reported exactly where the
 * input stops being a prefix of any valid UTF-8.
 */
class Utf8ValidatorTest {

    /** The JDK's strict decoder, reset before each use. */
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** The JDK's verdict: decodes without malformed or unmappable input (no exceptions, for speed). */
    private boolean jdkAccepts(byte[] bytes) {
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never needs more chars than bytes
        CoderResult result = decoder.reset().decode(ByteBuffer.wrap(bytes), out, true);
        if (result.isError()) {
            return false;
        }
        assertTrue(result.isUnderflow(), result.toString());
        return !decoder.flush(out).isError();
    }

    /** Continuation bytes at every boundary the rules care about. */
    private static final int[] CONTINUATIONS = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF};

    /** Whether some 0–3 continuation bytes make {@code prefix} valid UTF-8 (per the JDK). */
    private boolean jdkCanComplete(byte[] prefix) {
        if (jdkAccepts(prefix)) {
            return true;
        }
        for (int extra = 1; extra <= 3; extra++) {
            int combinations = (int) Math.pow(CONTINUATIONS.length, extra);
            for (int c = 0; c < combinations; c++) {
                byte[] completed = Arrays.copyOf(prefix, prefix.length + extra);
                int rest = c;
                for (int i = 0; i < extra; i++) {
                    completed[prefix.length + i] = (byte) CONTINUATIONS[rest % CONTINUATIONS.length];
                    rest /= CONTINUATIONS.length;
                }
                if (jdkAccepts(completed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The validator's verdict on the whole input: no invalid byte and ends on a boundary. */
    private static boolean accepts(byte[] bytes) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(bytes, 0, bytes.length) == -1 && v.isComplete();
    }

    /** Feeds {@code bytes} in random pieces; returns the absolute index of the first invalid byte or -1. */
    private static int feedInPieces(Utf8Validator v, byte[] bytes, Random random) {
        int done = 0;
        while (done < bytes.length) {
            int step = Math.min(bytes.length - done, random.nextInt(5));
            int invalid = v.feed(bytes, done, step);
            if (invalid != -1) {
                return invalid;
            }
            done += step;
        }
        return -1;
    }

    /** Random bytes biased towards lead and continuation bytes, so sequences are often nearly valid. */
    private static byte[] nearlyValid(Random random) {
        int length = random.nextInt(12);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) switch (random.nextInt(6)) {
                case 0 -> random.nextInt(0x80);
                case 1, 2 -> CONTINUATIONS[random.nextInt(CONTINUATIONS.length)];
                case 3 -> 0xC0 + random.nextInt(0x20);
                case 4 -> 0xE0 + random.nextInt(0x10);
                default -> 0xF0 + random.nextInt(0x10);
            };
        }
        return bytes;
    }

    /** Random strings of random code points (any plane), encoded by the JDK. */
    private static byte[] validText(Random random) {
        StringBuilder sb = new StringBuilder();
        int count = random.nextInt(20);
        for (int i = 0; i < count; i++) {
            int cp;
            do {
                cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> random.nextInt(0x800);
                    case 2 -> random.nextInt(0x10000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            sb.appendCodePoint(cp);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void agreesWithTheJdkOnEveryInputOfUpToTwoBytes() {
        for (int a = 0; a < 256; a++) {
            byte[] one = {(byte) a};
            assertEquals(jdkAccepts(one), accepts(one), hex(one));
            for (int b = 0; b < 256; b++) {
                byte[] two = {(byte) a, (byte) b};
                assertEquals(jdkAccepts(two), accepts(two), hex(two));
            }
        }
    }

    @Test
    void agreesWithTheJdkOnEveryThreeByteInputWithAMultiByteLead() {
        for (int a = 0xE0; a <= 0xF4; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    byte[] three = {(byte) a, (byte) b, (byte) c};
                    boolean expected = jdkAccepts(three);
                    if (expected != accepts(three)) {
                        assertEquals(expected, accepts(three), hex(three));
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnFourByteSequencesAtEveryBoundary() {
        int[] values = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        for (int a = 0xF0; a <= 0xF7; a++) {
            for (int b : values) {
                for (int c : values) {
                    for (int d : values) {
                        byte[] four = {(byte) a, (byte) b, (byte) c, (byte) d};
                        assertEquals(jdkAccepts(four), accepts(four), hex(four));
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomInputFedWholeAndInPieces() {
        Random random = new Random(3629);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] bytes = trial % 2 == 0 ? nearlyValid(random) : validText(random);
            if (trial % 4 == 1 && bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // corrupt one byte
            }
            boolean expected = jdkAccepts(bytes);
            assertEquals(expected, accepts(bytes), hex(bytes));

            Utf8Validator pieces = new Utf8Validator();
            int invalid = feedInPieces(pieces, bytes, random);
            assertEquals(expected, invalid == -1 && pieces.isComplete(), "in pieces: " + hex(bytes));
        }
    }

    @Test
    void reportsTheFirstByteThatNoCompletionCanMakeValid() {
        Random random = new Random(20);
        for (int trial = 0; trial < 3_000; trial++) {
            byte[] bytes = nearlyValid(random);
            int invalid = new Utf8Validator().feed(bytes, 0, bytes.length);
            int piecewise = feedInPieces(new Utf8Validator(), bytes, random);
            assertEquals(invalid, piecewise, "in pieces: " + hex(bytes));
            if (invalid == -1) {
                assertTrue(jdkCanComplete(bytes), "accepted but cannot be completed: " + hex(bytes));
            } else {
                assertTrue(jdkCanComplete(Arrays.copyOf(bytes, invalid)), "prefix before " + invalid + " of " + hex(bytes));
                assertFalse(jdkCanComplete(Arrays.copyOf(bytes, invalid + 1)), "prefix through " + invalid + " of " + hex(bytes));
            }
        }
    }

    @ParameterizedTest(name = "{0}: invalid at {1}")
    @CsvSource({
        "c0 80,          0", // overlong 2-byte lead
        "e0 9f bf,       1", // overlong 3-byte: E0 needs A0..BF next
        "f0 8f bf bf,    1", // overlong 4-byte: F0 needs 90..BF next
        "ed a0 80,       1", // surrogate: ED needs 80..9F next
        "f4 90 80 80,    1", // above U+10FFFF: F4 needs 80..8F next
        "f5 80 80 80,    0",
        "61 62 80,       2", // stray continuation
        "e2 82 41,       2", // sequence cut short by ASCII
    })
    void failsAtTheFirstByteThatBreaksTheSequence(String digits, int index) {
        byte[] bytes = hex(digits);
        assertEquals(index, new Utf8Validator().feed(bytes, 0, bytes.length));
    }

    @Test
    void offsetIsHonouredAndTheIndexIsAbsolute() {
        byte[] bytes = hex("ff ff 61 c3 28");
        assertEquals(4, new Utf8Validator().feed(bytes, 2, 3));
    }

    @Test
    void incompleteSequenceIsReportedByIsCompleteAndForgottenByReset() {
        Utf8Validator v = new Utf8Validator();
        assertEquals(-1, v.feed(hex("e2 82"), 0, 2));
        assertFalse(v.isComplete());
        assertEquals(-1, v.feed(hex("ac"), 0, 1));
        assertTrue(v.isComplete());

        assertEquals(-1, v.feed(hex("f0 9f"), 0, 2));
        v.reset();
        assertTrue(v.isComplete());
        assertEquals(0, v.feed(hex("98"), 0, 1), "after reset a continuation byte has no lead");
    }

    @Test
    void narrowedRangeAppliesOnlyToTheFirstContinuationByte() {
        // E0 A0 80 (U+0800): the second continuation may be 80 although the first had to be ≥ A0.
        assertTrue(accepts(hex("e0 a0 80")));
        // ED 9F BF (U+D7FF) then F4 8F BF BF (U+10FFFF): the largest values just inside the limits.
        assertTrue(accepts(hex("ed 9f bf f4 8f bf bf")));
    }
}
