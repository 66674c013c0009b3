package io.switchboard.websocket.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The process's file descriptors: its limit and how many are open, read through the platform
 * MBean server (so no JDK-internal package is imported, inside a framework or out). Counting
 * open descriptors lists them all, so the count is sampled at most every {@link #SAMPLE_NANOS}
 * and the connections opened since are added by the caller. Unknown on systems without the
 * attributes (e.g. Windows): then nothing is refused. Thread-safe.
 */
public final class Descriptors {

    static final long SAMPLE_NANOS = 100_000_000L;

    /** Reads the limit and the open count; -1 for unknown. */
    public interface Source {
        long limit();

        long open();
    }

    private final Source source;
    private final long limit;
    private final AtomicLong sampledAt = new AtomicLong(System.nanoTime() - 2 * SAMPLE_NANOS);
    /** The open count at the last sample; written with liveAtSample by the sampling thread. */
    private volatile long sampled;
    private volatile long liveAtSample;

    public Descriptors(Source source) {
        this.source = source;
        this.limit = source.limit();
    }

    /** The process's descriptors, through the platform MBean server. */
    public static Descriptors system() {
        return new Descriptors(new Source() {
            @Override
            public long limit() {
                return attribute("MaxFileDescriptorCount");
            }

            @Override
            public long open() {
                return attribute("OpenFileDescriptorCount");
            }
        });
    }

    /** The descriptor limit, or -1 if unknown. */
    public long limit() {
        return limit;
    }

    /**
     * Whether fewer than {@code reserve} descriptors are left below the limit: the open ones as
     * last sampled, plus the connections opened since.
     *
     * @param live the caller's connections open now (each holds one descriptor)
     */
    public boolean nearLimit(int reserve, long live) {
        if (limit < 0 || reserve <= 0) {
            return false;
        }
        long now = System.nanoTime();
        long at = sampledAt.get();
        if (now - at > SAMPLE_NANOS && sampledAt.compareAndSet(at, now)) {
            liveAtSample = live;
            sampled = source.open();
        }
        long open = sampled;
        return open >= 0 && limit - (open + Math.max(0, live - liveAtSample)) < reserve;
    }

    private static long attribute(String name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object value = server.getAttribute(new ObjectName("java.lang:type=OperatingSystem"), name);
            return value instanceof Number n ? n.longValue() : -1;
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }
}
