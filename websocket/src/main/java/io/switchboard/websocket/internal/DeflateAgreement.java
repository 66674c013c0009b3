package io.switchboard.websocket.internal;

/**
 * The permessage-deflate parameters both sides agreed on in the opening handshake (RFC 7692
 * §7.1), plus this side's own memory level. Window bits are 15 where nothing smaller was agreed.
 * Makes the session's compressor and decompressor. Immutable.
 *
 * @param serverNoContextTakeover the server compresses each message on its own (§7.1.1.1)
 * @param clientNoContextTakeover the client compresses each message on its own (§7.1.1.2)
 * @param serverMaxWindowBits the largest window the server compresses with (§7.1.2.1)
 * @param clientMaxWindowBits the largest window the client compresses with (§7.1.2.2)
 * @param memoryLevel zlib memLevel of this side's compressor (local, not negotiated)
 * @param header the extension element as it went (server) or came (client) in the 101 response
 */
public record DeflateAgreement(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
        int serverMaxWindowBits, int clientMaxWindowBits, int memoryLevel, String header) {

    /** The compressor of one session on the given side. */
    public MessageDeflater deflater(boolean isClient) {
        return isClient
                ? new MessageDeflater(clientMaxWindowBits, memoryLevel, !clientNoContextTakeover)
                : new MessageDeflater(serverMaxWindowBits, memoryLevel, !serverNoContextTakeover);
    }

    /** The decompressor of one session on the given side. */
    public MessageInflater inflater(boolean isClient) {
        return isClient
                ? new MessageInflater(serverMaxWindowBits, !serverNoContextTakeover)
                : new MessageInflater(clientMaxWindowBits, !clientNoContextTakeover);
    }

    /**
     * Bytes of compression state one session on the given side holds between messages once
     * both directions have carried a compressed message: 0 without context takeover.
     */
    public long sessionBytes(boolean isClient) {
        boolean outTakeover = isClient ? !clientNoContextTakeover : !serverNoContextTakeover;
        boolean inTakeover = isClient ? !serverNoContextTakeover : !clientNoContextTakeover;
        int outBits = isClient ? clientMaxWindowBits : serverMaxWindowBits;
        int inBits = isClient ? serverMaxWindowBits : clientMaxWindowBits;
        return (outTakeover ? MessageDeflater.stateBytes(outBits, memoryLevel) : 0)
                + (inTakeover ? MessageInflater.stateBytes(inBits) : 0);
    }
}
