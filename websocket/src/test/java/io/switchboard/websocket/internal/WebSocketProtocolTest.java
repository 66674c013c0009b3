package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC 6455 helpers: accept key (§1.3, §4.2.2), masking (§5.3), close codes (§7.4). */
class WebSocketProtocolTest {

    @Test
    void acceptKeyMatchesTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketProtocol.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    /** Byte-by-byte §5.3: octet i of the payload is XORed with octet (i mod 4) of the key. */
    private static void naiveToggle(byte[] buffer, int offset, int length, int key, int keyIndex) {
        for (int i = 0; i < length; i++) {
            int k = (keyIndex + i) % 4;
            buffer[offset + i] ^= (byte) (key >>> (24 - 8 * k));
        }
    }

    @Test
    void toggleMaskMatchesTheByteByByteDefinition() {
        Random random = new Random(42);
        int[] keys = {0x37fa213d, 0, -1, 0x01020304, 0x80000001, random.nextInt()};
        int[] large = {125, 126, 255, 256, 257, 263, 1000, 4093, 8192, 8199, 65537, 100_003};
        int[] lengths = new int[70 + large.length];
        for (int i = 0; i < 70; i++) {
            lengths[i] = i;
        }
        System.arraycopy(large, 0, lengths, 70, large.length);

        for (int key : keys) {
            for (int offset = 0; offset < 9; offset++) {
                for (int length : lengths) {
                    for (int keyIndex = 0; keyIndex < 4; keyIndex++) {
                        byte[] original = new byte[offset + length + 9];
                        random.nextBytes(original);
                        byte[] expected = original.clone();
                        naiveToggle(expected, offset, length, key, keyIndex);
                        byte[] actual = original.clone();
                        int next = WebSocketProtocol.toggleMask(actual, offset, length, key, keyIndex);

                        String where = "key=" + Integer.toHexString(key) + " offset=" + offset + " length=" + length
                                + " keyIndex=" + keyIndex;
                        assertArrayEquals(expected, actual, where);
                        assertEquals((keyIndex + length) % 4, next, where);
                    }
                }
            }
        }
    }

    @Test
    void toggleMaskInPiecesEqualsToggleMaskAtOnce() {
        Random random = new Random(7);
        byte[] original = new byte[5000];
        random.nextBytes(original);
        int key = 0x37fa213d;
        byte[] whole = original.clone();
        WebSocketProtocol.toggleMask(whole, 0, whole.length, key, 0);

        for (int trial = 0; trial < 200; trial++) {
            byte[] pieces = original.clone();
            int keyIndex = 0;
            int done = 0;
            while (done < pieces.length) {
                int step = Math.min(pieces.length - done, random.nextInt(40));
                keyIndex = WebSocketProtocol.toggleMask(pieces, done, step, key, keyIndex);
                done += step;
            }
            assertArrayEquals(whole, pieces, "trial " + trial);
        }
    }

    @Test
    void toggleMaskTwiceRestoresThePayload() {
        byte[] payload = Frames.pattern(1000);
        WebSocketProtocol.toggleMask(payload, 3, 990, 0xdeadbeef, 2);
        WebSocketProtocol.toggleMask(payload, 3, 990, 0xdeadbeef, 2);
        assertArrayEquals(Frames.pattern(1000), payload);
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
    void closeCodesThatMayBeReceived(int code) {
        assertNull(WebSocketProtocol.closeCodeError(code));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void closeCodesThatMustNotBeReceived(int code) {
        assertNotNull(WebSocketProtocol.closeCodeError(code));
    }

    @Test
    void onlyOpcodesWithTheHighBitAreControlFrames() {
        for (int opcode = 0; opcode < 16; opcode++) {
            assertEquals(opcode >= 8, WebSocketProtocol.isControl(opcode), "opcode " + opcode);
        }
    }
}
