package io.switchboard.websocket.osgi;

import io.switchboard.api.Topics;
import io.switchboard.api.spi.TopicRelay;
import io.switchboard.websocket.internal.TopicHub;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Registers the process's {@link Topics} as a service for handler bundles, and adds every
 * {@link TopicRelay} service (e.g. the Redis bridge) to it while that service is registered.
 */
final class TopicsService implements ServiceTrackerCustomizer<TopicRelay, TopicRelay> {

    private final BundleContext context;
    private final TopicHub hub = TopicHub.shared();
    private final ServiceTracker<TopicRelay, TopicRelay> relays;
    private final ServiceRegistration<Topics> registration;

    TopicsService(BundleContext context) {
        this.context = context;
        this.registration = context.registerService(Topics.class, hub, null);
        this.relays = new ServiceTracker<>(context, TopicRelay.class, this);
        relays.open();
    }

    void close() {
        relays.close();
        registration.unregister();
    }

    @Override
    public TopicRelay addingService(ServiceReference<TopicRelay> reference) {
        TopicRelay relay = context.getService(reference);
        if (relay != null) {
            hub.addRelay(relay);
        }
        return relay;
    }

    @Override
    public void modifiedService(ServiceReference<TopicRelay> reference, TopicRelay relay) {
    }

    @Override
    public void removedService(ServiceReference<TopicRelay> reference, TopicRelay relay) {
        hub.removeRelay(relay);
        context.ungetService(reference);
    }
}
