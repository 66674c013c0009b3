package io.switchboard.websocket.internal;

/**
 * Incremental UTF-8 validation (RFC 3629 §4) that fails on the first byte that cannot continue
 * a well-formed sequence: overlong forms, surrogates and code points above U+10FFFF are
 * rejected as early as the byte that makes them so. Input may be fed in arbitrary pieces; a
 * sequence may span pieces. Not thread-safe: one per reader.
 */
final class Utf8Validator {

    /** Continuation bytes still expected for the current sequence; 0 between characters. */
    private int needed;
    /** Inclusive range allowed for the next continuation byte (narrowed after lead bytes). */
    private int lower = 0x80;
    private int upper = 0xBF;

    /** Forgets any partial sequence, to start a new message. */
    void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /**
     * Checks {@code length} bytes from {@code offset}.
     *
     * @return the index of the first invalid byte, or -1 if all of them may belong to valid UTF-8
     */
    int feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                if (b < 0x80) {
                    continue;
                }
                if (!lead(b)) {
                    return i;
                }
            } else {
                if (b < lower || b > upper) {
                    return i;
                }
                needed--;
                lower = 0x80;
                upper = 0xBF;
            }
        }
        return -1;
    }

    /** Whether the bytes fed so far end on a character boundary. */
    boolean isComplete() {
        return needed == 0;
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            needed = 1;
        } else if (b == 0xE0) {
            needed = 2;
            lower = 0xA0; // excludes overlong 3-byte forms
        } else if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
            needed = 2;
        } else if (b == 0xED) {
            needed = 2;
            upper = 0x9F; // excludes UTF-16 surrogates U+D800..U+DFFF
        } else if (b == 0xF0) {
            needed = 3;
            lower = 0x90; // excludes overlong 4-byte forms
        } else if (b >= 0xF1 && b <= 0xF3) {
            needed = 3;
        } else if (b == 0xF4) {
            needed = 3;
            upper = 0x8F; // excludes code points above U+10FFFF
        } else {
            return false; // 0x80..0xC1 (continuation or overlong 2-byte lead) and 0xF5..0xFF
        }
        return true;
    }
}
