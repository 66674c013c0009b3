package io.switchboard.websocket.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds frames byte by byte for reader tests, independently of {@link FrameWriter} and of
 * {@link WebSocketProtocol#toggleMask}, so a shared bug cannot hide itself.
 */
final class Frames {

    /** The masking key of the RFC 6455 §5.7 examples. */
    static final int MASK_KEY = 0x37fa213d;

    private Frames() {
    }

    /** Bytes from hex digits; spaces are ignored. */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Bytes 0, 1, 2, … wrapping at 251 (a prime, so the pattern never lines up with the key). */
    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    /**
     * A frame with first byte {@code b0} (FIN, RSV and opcode) carrying {@code payload}, using
     * the shortest length form, masked with {@link #MASK_KEY} if {@code masked}.
     */
    static byte[] frame(int b0, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int maskBit = masked ? 0x80 : 0;
        int length = payload.length;
        if (length <= 125) {
            out.write(maskBit | length);
        } else if (length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length & 0xFF);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift) & 0xFF);
            }
        }
        if (!masked) {
            out.writeBytes(payload);
            return out.toByteArray();
        }
        byte[] key = {(byte) (MASK_KEY >>> 24), (byte) (MASK_KEY >>> 16), (byte) (MASK_KEY >>> 8), (byte) MASK_KEY};
        out.writeBytes(key);
        for (int i = 0; i < length; i++) {
            out.write(payload[i] ^ key[i % 4]);
        }
        return out.toByteArray();
    }

    /** A close frame payload: the code in network order, then the UTF-8 reason. */
    static byte[] closePayload(int code, byte[] reason) {
        return concat(new byte[] {(byte) (code >>> 8), (byte) code}, reason);
    }
}
