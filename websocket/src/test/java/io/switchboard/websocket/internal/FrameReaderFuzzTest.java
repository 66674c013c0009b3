package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.api.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs for the reader: well-formed streams written by {@link FrameWriter} must
 * read back exactly; mutated streams may fail, but only as the protocol says (a {@link
 * ProtocolException} with a close status, or end of stream), never with any other exception.
 */
class FrameReaderFuzzTest {

    private static final long MAX = 1 << 20;

    private static final FrameReader.Callback IGNORE = new FrameReader.Callback() {
        @Override
        public void onPing(byte[] payload) {
        }

        @Override
        public void onPong(byte[] payload) {
        }

        @Override
        public void onClose(int code, String reason) {
        }
    };

    /** A random message sequence written as client frames, with pings mixed in and some fragmentation. */
    private static byte[] stream(Random random, List<Message> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out, random);
        int count = 1 + random.nextInt(6);
        for (int m = 0; m < count; m++) {
            boolean text = random.nextBoolean();
            int length = random.nextInt(4) == 0 ? random.nextInt(70_000) : random.nextInt(200);
            byte[] payload;
            if (text) {
                StringBuilder sb = new StringBuilder();
                while (sb.length() < length / 3) {
                    sb.appendCodePoint(random.nextInt(3) == 0 ? 0x1F600 + random.nextInt(50)
                            : random.nextInt(2) == 0 ? 'a' + random.nextInt(26) : 0x400 + random.nextInt(200));
                }
                messages.add(Message.text(sb.toString()));
                payload = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                payload = new byte[length];
                random.nextBytes(payload);
                messages.add(Message.binary(payload));
            }
            int fragments = 1 + random.nextInt(4);
            int at = 0;
            for (int f = 0; f < fragments; f++) {
                int end = f == fragments - 1 ? payload.length : at + random.nextInt(payload.length - at + 1);
                int opcode = f == 0 ? (text ? 1 : 2) : 0;
                writer.writeFrame(opcode, f == fragments - 1, payload, at, end - at);
                at = end;
                if (random.nextInt(3) == 0) {
                    byte[] ping = new byte[random.nextInt(126)];
                    random.nextBytes(ping);
                    writer.writeFrame(0x9, true, ping, 0, ping.length);
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void wellFormedStreamsReadBackExactly() throws IOException {
        Random random = new Random(6455);
        for (int round = 0; round < 300; round++) {
            List<Message> expected = new ArrayList<>();
            byte[] bytes = stream(random, expected);
            FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), false, MAX, IGNORE);
            for (Message m : expected) {
                assertEquals(m, reader.readMessage(), "round " + round);
            }
        }
    }

    @Test
    void mutatedStreamsFailOnlyAsTheProtocolSays() throws IOException {
        Random random = new Random(7692);
        int protocolErrors = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = stream(random, new ArrayList<>());
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                // Mostly near the start, where the headers are.
                int at = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : random.nextInt(Math.min(bytes.length, 32));
                bytes[at] ^= (byte) (1 << random.nextInt(8));
            }
            FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), false, MAX, IGNORE);
            try {
                for (int i = 0; i < 20 && reader.readMessage() != null; i++) {
                    // read on until the stream ends or fails
                }
            } catch (ProtocolException e) {
                protocolErrors++;
                int code = e.status().code();
                if (code != 1002 && code != 1007 && code != 1009) {
                    fail("round " + round + ": unexpected status " + e.status());
                }
            } catch (EOFException e) {
                // a length grew past the end of the input: the peer would be waited for
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + ": " + e, e);
            }
        }
        // Sanity: the mutations do reach the rule checks.
        org.junit.jupiter.api.Assertions.assertTrue(protocolErrors > 300, "protocol errors: " + protocolErrors);
    }
}
