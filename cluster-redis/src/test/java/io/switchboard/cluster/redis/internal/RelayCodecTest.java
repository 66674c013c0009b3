package io.switchboard.cluster.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelayCodecTest {

    private static final byte[] ME = new byte[16];
    private static final byte[] OTHER = new byte[16];

    static {
        OTHER[0] = 1;
    }

    private final RelayCodec mine = new RelayCodec("sb:", ME);
    private final RelayCodec theirs = new RelayCodec("sb:", OTHER);

    @Test
    void textAndBinaryCrossBetweenInstances() {
        byte[] channel = theirs.channel("room ü");
        assertArrayEquals("sb:room ü".getBytes(StandardCharsets.UTF_8), channel);
        assertEquals(new RelayCodec.Received("room ü", Message.text("héllo")),
                mine.decode(channel, theirs.encode(Message.text("héllo"))).orElseThrow());
        assertEquals(new RelayCodec.Received("r", Message.binary(new byte[] {0, 1, 2})),
                mine.decode(theirs.channel("r"), theirs.encode(Message.binary(new byte[] {0, 1, 2}))).orElseThrow());
        assertArrayEquals("sb:*".getBytes(StandardCharsets.UTF_8), mine.pattern());
    }

    @Test
    void anInstanceSkipsItsOwnMessages() {
        assertTrue(mine.decode(mine.channel("r"), mine.encode(Message.text("x"))).isEmpty());
    }

    @Test
    void foreignBodiesAreRejectedWithTheReason() {
        byte[] body = theirs.encode(Message.text("x"));
        byte[] channel = theirs.channel("r");
        body[0] = 9;
        assertEquals("version 9, expected 1", assertThrows(IllegalArgumentException.class, () -> mine.decode(channel, body)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> mine.decode(channel, new byte[3]));
        byte[] kind = theirs.encode(Message.text("x"));
        kind[1] = 7;
        assertThrows(IllegalArgumentException.class, () -> mine.decode(channel, kind));
        byte[] badUtf8 = theirs.encode(Message.binary(new byte[] {(byte) 0xC3}));
        badUtf8[1] = 1; // claims text
        assertEquals("text is not UTF-8", assertThrows(IllegalArgumentException.class, () -> mine.decode(channel, badUtf8)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> mine.decode("other:r".getBytes(StandardCharsets.UTF_8), body));
    }

    @Test
    void backoffGrowsToItsMaximumWithJitterAndResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(1));
        Duration first = backoff.next();
        assertTrue(first.compareTo(Duration.ofMillis(50)) >= 0 && first.compareTo(Duration.ofMillis(100)) <= 0, first::toString);
        for (int i = 0; i < 20; i++) {
            Duration d = backoff.next();
            assertTrue(d.compareTo(Duration.ofSeconds(5)) <= 0, d::toString);
        }
        assertTrue(backoff.next().compareTo(Duration.ofMillis(2500)) >= 0, "at the maximum step");
        backoff.reset();
        assertTrue(backoff.next().compareTo(Duration.ofMillis(100)) <= 0);
    }

    @Test
    void endpointsParseAndHideThePassword() {
        RedisEndpoint plain = RedisEndpoint.parse("redis://127.0.0.1");
        assertEquals(new RedisEndpoint("127.0.0.1", 6379, null, null, 0), plain);
        RedisEndpoint full = RedisEndpoint.parse("redis://app:s%3Acret@redis.internal:7000/2");
        assertEquals(new RedisEndpoint("redis.internal", 7000, "app", "s:cret", 2), full);
        assertEquals("redis://app:***@redis.internal:7000/2", full.toString());
        assertEquals("redis://:***@h:6379", RedisEndpoint.parse("redis://:pw@h").toString());
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("http://h:6379"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis://h/x"));
    }
}
