package io.switchboard.cluster.redis.osgi;

import io.switchboard.api.Topics;
import io.switchboard.api.spi.TopicRelay;
import io.switchboard.cluster.redis.RedisTopicRelay;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * When the framework property {@code switchboard.cluster.redis} names a Redis URI: while a
 * {@link Topics} service is there, relays it through that Redis and registers the relay as a
 * {@link TopicRelay} service whose property {@code switchboard.cluster.connected} says whether
 * Redis is reachable (false: degraded). Without the property the bundle does nothing.
 */
public final class ClusterActivator implements BundleActivator {

    /** The framework property holding the Redis URI. */
    public static final String REDIS_PROPERTY = "switchboard.cluster.redis";

    private ServiceTracker<Topics, RelayRegistration> tracker;

    @Override
    public void start(BundleContext context) {
        String uri = context.getProperty(REDIS_PROPERTY);
        if (uri == null || uri.isBlank()) {
            return;
        }
        tracker = new ServiceTracker<>(context, Topics.class, new ServiceTrackerCustomizer<>() {
            @Override
            public RelayRegistration addingService(ServiceReference<Topics> reference) {
                Topics topics = context.getService(reference);
                return topics == null ? null : new RelayRegistration(context, uri.strip(), topics);
            }

            @Override
            public void modifiedService(ServiceReference<Topics> reference, RelayRegistration relay) {
            }

            @Override
            public void removedService(ServiceReference<Topics> reference, RelayRegistration relay) {
                relay.close();
                context.ungetService(reference);
            }
        });
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        if (tracker != null) {
            tracker.close();
        }
    }

    /** One relay and its service registration. */
    private static final class RelayRegistration {
        private final AtomicReference<ServiceRegistration<TopicRelay>> registration = new AtomicReference<>();
        private final RedisTopicRelay relay;

        RelayRegistration(BundleContext context, String uri, Topics topics) {
            relay = RedisTopicRelay.start(uri, topics, connected -> update());
            registration.set(context.registerService(TopicRelay.class, relay, properties(relay.isConnected())));
            update(); // the link may have come up before the registration existed
        }

        private void update() {
            ServiceRegistration<TopicRelay> r = registration.get();
            if (r != null) {
                try {
                    r.setProperties(properties(relay.isConnected()));
                } catch (IllegalStateException e) {
                    // unregistered meanwhile
                }
            }
        }

        private static Dictionary<String, Object> properties(boolean connected) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("switchboard.cluster.connected", connected);
            return p;
        }

        void close() {
            registration.get().unregister();
            relay.close();
        }
    }
}
