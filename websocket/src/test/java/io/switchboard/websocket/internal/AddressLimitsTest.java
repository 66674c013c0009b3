package io.switchboard.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressLimitsTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1000);
    private final InetSocketAddress a2 = new InetSocketAddress("10.0.0.1", 2000);
    private final InetSocketAddress b = new InetSocketAddress("10.0.0.2", 1000);

    @Test
    void connectionsAreCappedPerAddressNotPerSocket() {
        AddressLimits limits = new AddressLimits(2, 0, now::get);
        assertNull(limits.opened(a));
        assertNull(limits.opened(a2));
        AddressLimits.Refusal third = limits.opened(a);
        assertNotNull(third);
        assertEquals(1, third.retryAfterSeconds());
        assertNull(limits.opened(b), "another address is not affected");
        limits.closed(a); // the refused one
        limits.closed(a2);
        assertNull(limits.opened(a2), "a freed slot admits again");
    }

    @Test
    void handshakesAreRateLimitedWithBurstsOfTwiceTheRate() {
        AddressLimits limits = new AddressLimits(0, 2, now::get);
        for (int i = 0; i < 4; i++) {
            assertNull(limits.opened(a), "burst " + i);
            limits.closed(a);
        }
        AddressLimits.Refusal refused = limits.opened(a);
        assertNotNull(refused);
        assertEquals(1, refused.retryAfterSeconds());
        limits.closed(a);
        now.addAndGet(SECOND / 2); // one token back
        assertNull(limits.opened(a));
        limits.closed(a);
    }

    @Test
    void idleAddressesAreForgottenOnceTheirBucketIsFull() {
        AddressLimits limits = new AddressLimits(5, 1, now::get);
        limits.opened(a);
        limits.closed(a);
        assertEquals(1, limits.size(), "remembered while its bucket refills");
        now.addAndGet(10 * SECOND);
        limits.purge();
        assertEquals(0, limits.size());
    }

    @Test
    void unixSocketPeersAreNotLimited() {
        AddressLimits limits = new AddressLimits(1, 1, now::get);
        UnixDomainSocketAddress unix = UnixDomainSocketAddress.of("/tmp/x.sock");
        for (int i = 0; i < 10; i++) {
            assertNull(limits.opened(unix));
        }
        assertEquals(0, limits.size());
    }
}
