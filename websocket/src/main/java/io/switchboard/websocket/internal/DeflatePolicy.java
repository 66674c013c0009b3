package io.switchboard.websocket.internal;

/**
 * One side's preferences for permessage-deflate (RFC 7692), from its options: the largest LZ77
 * window it will keep per direction, the zlib memory level of its compressor, and whether it
 * keeps the compression context between messages. The window bits and memory level bound what
 * one session may hold: see {@link DeflateAgreement#sessionBytes(boolean)}. Immutable.
 *
 * @param windowBits 8–15: the base-2 logarithm of the largest window this side keeps for its
 *     own compressor and asks the peer to keep for its
 * @param memoryLevel 1–9: zlib's memLevel of this side's compressor (hash table and buffers)
 * @param contextTakeover false: every message is compressed on its own in both directions, so
 *     an idle session holds no compression state at all
 */
public record DeflatePolicy(int windowBits, int memoryLevel, boolean contextTakeover) {

    public DeflatePolicy {
        if (windowBits < 8 || windowBits > 15) {
            throw new IllegalArgumentException("window bits must be 8-15, got " + windowBits);
        }
        if (memoryLevel < 1 || memoryLevel > 9) {
            throw new IllegalArgumentException("memory level must be 1-9, got " + memoryLevel);
        }
    }
}
