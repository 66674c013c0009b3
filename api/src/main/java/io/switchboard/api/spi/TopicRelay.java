package io.switchboard.api.spi;

import io.switchboard.api.Message;

/**
 * Carries topic messages between instances (e.g. through Redis pub/sub), so that {@link
 * io.switchboard.api.Topics} span every instance of a deployment. Inside a framework, a relay
 * registered as a service is added to the {@code Topics} service; on the module path, pass it to
 * {@link io.switchboard.api.Topics#addRelay}. A relay delivers what it receives from other
 * instances with {@link io.switchboard.api.Topics#publishLocally}, never back to the instance
 * that published it.
 *
 * <p>Delivery across instances is at most once: a relay that cannot reach its peers drops
 * messages (and says so in its log), it never blocks publishers. Messages forwarded by one
 * thread must reach the other instances in that order.
 */
public interface TopicRelay {

    /**
     * Sends a message published on this instance to the other instances. Called on the
     * publisher's thread: must not block on the network (queue, bounded, and drop when full).
     */
    void forward(String topic, Message message);
}
