package io.switchboard.websocket.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Per remote IP address: how many connections it has open and how fast it starts handshakes.
 * An address is remembered while it has a connection open or its handshake bucket is not yet
 * full again, so the table is bounded by the open connections plus the addresses seen in the
 * last few seconds. Unix-socket peers (no IP address) are never limited. Thread-safe.
 */
public final class AddressLimits {

    /** Why an address is refused, with the Retry-After to send; null fields never escape. */
    public record Refusal(String reason, long retryAfterSeconds) {
    }

    private final int maxConnections;
    private final int handshakesPerSecond;
    private final LongSupplier clock;
    private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param maxConnections most open connections per address, 0 for unlimited
     * @param handshakesPerSecond sustained handshakes per second per address (bursts of twice
     *     as many), 0 for unlimited
     * @param clock nanoseconds, as {@link System#nanoTime()}
     */
    public AddressLimits(int maxConnections, int handshakesPerSecond, LongSupplier clock) {
        this.maxConnections = maxConnections;
        this.handshakesPerSecond = handshakesPerSecond;
        this.clock = clock;
    }

    /** Whether any limit is on; when none is, nothing is counted. */
    public boolean enabled() {
        return maxConnections > 0 || handshakesPerSecond > 0;
    }

    /**
     * Counts a new connection from {@code remote} and takes one handshake from its bucket.
     * Every call must be paired with {@link #closed(SocketAddress)}, refused or not.
     *
     * @return null if admitted, else why not
     */
    public Refusal opened(SocketAddress remote) {
        InetAddress address = addressOf(remote);
        if (address == null || !enabled()) {
            return null;
        }
        Entry e = entries.computeIfAbsent(address, a -> new Entry());
        e.lock.lock();
        try {
            e.open++;
            long now = clock.getAsLong();
            if (e.handshakes != null && !e.handshakes.tryTake(now)) {
                return new Refusal("more than " + handshakesPerSecond + " handshakes per second from "
                        + address.getHostAddress(), e.handshakes.secondsToNextToken(now));
            }
            if (maxConnections > 0 && e.open > maxConnections) {
                return new Refusal("more than " + maxConnections + " connections from " + address.getHostAddress(), 1);
            }
            return null;
        } finally {
            e.lock.unlock();
        }
    }

    /** Counts the end of a connection counted by {@link #opened(SocketAddress)}. */
    public void closed(SocketAddress remote) {
        InetAddress address = addressOf(remote);
        if (address == null || !enabled()) {
            return;
        }
        entries.computeIfPresent(address, (a, e) -> {
            e.lock.lock();
            try {
                e.open--;
                return e.open <= 0 && (e.handshakes == null || e.handshakes.isFull(clock.getAsLong())) ? null : e;
            } finally {
                e.lock.unlock();
            }
        });
    }

    /** Forgets addresses with nothing open whose bucket is full again; run now and then. */
    public void purge() {
        long now = clock.getAsLong();
        entries.entrySet().removeIf(en -> {
            Entry e = en.getValue();
            e.lock.lock();
            try {
                return e.open <= 0 && (e.handshakes == null || e.handshakes.isFull(now));
            } finally {
                e.lock.unlock();
            }
        });
    }

    /** Addresses remembered now (for tests and metrics). */
    public int size() {
        return entries.size();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Guarded by lock. */
        int open;
        /** Guarded by lock; null when handshakes are not limited. */
        final TokenBucket handshakes = handshakesPerSecond > 0
                ? new TokenBucket(handshakesPerSecond, 2.0 * handshakesPerSecond, clock.getAsLong()) : null;
    }
}
