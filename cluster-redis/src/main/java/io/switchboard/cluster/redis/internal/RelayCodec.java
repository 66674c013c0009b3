package io.switchboard.cluster.redis.internal;

import io.switchboard.api.Message;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The relay's wire format on Redis. A topic {@code t} is the channel {@code prefix + t}; a
 * message is one version byte ({@value #VERSION}), one kind byte (1 text, 2 binary), the 16-byte
 * id of the publishing instance (so it can skip its own messages, which Redis hands back to it),
 * then the payload as is (UTF-8 for text).
 *
 * <p>Pure and thread-safe.
 */
public final class RelayCodec {

    static final byte VERSION = 1;
    private static final byte TEXT = 1;
    private static final byte BINARY = 2;
    static final int ID_LENGTH = 16;
    private static final int HEADER = 2 + ID_LENGTH;

    /** A message from another instance. */
    public record Received(String topic, Message message) {
    }

    private final byte[] prefix;
    private final byte[] instanceId;

    /**
     * @param prefix the channel prefix every instance of a deployment shares
     * @param instanceId this instance's 16 random bytes
     */
    public RelayCodec(String prefix, byte[] instanceId) {
        if (instanceId.length != ID_LENGTH) {
            throw new IllegalArgumentException("an instance id has " + ID_LENGTH + " bytes, got " + instanceId.length);
        }
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.instanceId = instanceId.clone();
    }

    /** The pattern matching every topic's channel. */
    public byte[] pattern() {
        byte[] p = Arrays.copyOf(prefix, prefix.length + 1);
        p[prefix.length] = '*';
        return p;
    }

    /** The channel of {@code topic}. */
    public byte[] channel(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        byte[] channel = Arrays.copyOf(prefix, prefix.length + name.length);
        System.arraycopy(name, 0, channel, prefix.length, name.length);
        return channel;
    }

    /** The body carrying {@code message} from this instance. */
    public byte[] encode(Message message) {
        byte kind;
        byte[] payload;
        switch (message) {
            case Message.Text t -> {
                kind = TEXT;
                payload = t.text().getBytes(StandardCharsets.UTF_8);
            }
            case Message.Binary b -> {
                kind = BINARY;
                payload = b.bytes();
            }
        }
        byte[] body = new byte[HEADER + payload.length];
        body[0] = VERSION;
        body[1] = kind;
        System.arraycopy(instanceId, 0, body, 2, ID_LENGTH);
        System.arraycopy(payload, 0, body, HEADER, payload.length);
        return body;
    }

    /**
     * Decodes what arrived on {@code channel}: empty for this instance's own messages.
     *
     * @throws IllegalArgumentException describing why the channel or body is not ours (another
     *     version, an unknown kind, text that is not UTF-8, a channel outside the prefix)
     */
    public Optional<Received> decode(byte[] channel, byte[] body) {
        if (channel.length <= prefix.length || !Arrays.equals(channel, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalArgumentException("channel outside the prefix");
        }
        if (body.length < HEADER || body[0] != VERSION) {
            throw new IllegalArgumentException(body.length < HEADER ? "body of " + body.length + " bytes is too short"
                    : "version " + body[0] + ", expected " + VERSION);
        }
        if (Arrays.equals(body, 2, HEADER, instanceId, 0, ID_LENGTH)) {
            return Optional.empty();
        }
        String topic = utf8(channel, prefix.length, channel.length - prefix.length, "topic name");
        Message message = switch (body[1]) {
            case TEXT -> Message.text(utf8(body, HEADER, body.length - HEADER, "text"));
            case BINARY -> new Message.Binary(Arrays.copyOfRange(body, HEADER, body.length));
            default -> throw new IllegalArgumentException("unknown message kind " + body[1]);
        };
        return Optional.of(new Received(topic, message));
    }

    private static String utf8(byte[] bytes, int offset, int length, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8");
        }
    }
}
